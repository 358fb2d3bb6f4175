//! `cargo xtask bench`'s route latencies against the running stack, along one realistic
//! journey: a cart's session, the bank's code, the balance, a redemption and its undo, Pongo's
//! earn preview, enlist and paid order on the same carts; then a second set of carts redeemed
//! off the clock, captured by the store's server (order paid) and cancelled.
//!
//! Every route is timed `--sequential` times one call after another, then by `--clients`
//! clients at once (`--calls-per-client` each), beside a static asset of the same origin
//! (`GET /embed.js`) timed the same way in the same run. What a call needs (a session, the
//! texted code, a redemption, a signature) is made before its clock starts; only the call
//! itself is timed, from sending to the last byte of the answer. The first successful
//! sequential call of each route also records the edge's `x-loyalty-counters` header when the
//! stack sets it. Answers `wrangler dev`'s proxy dropped (its own 503, workers-sdk#14641) are
//! counted apart and left out of the times, like errors.
//!
//! Prints one JSON line (the last line of stdout); `cargo xtask bench` turns it into the
//! report. `route_bench [--sequential N] [--clients N] [--calls-per-client N]`

use loyalty_e2e::{edge_url, sim, DEMO_ORIGIN};
use loyalty_shared::signature::{sign, PayloadLayout};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The edge's per-request cost counters (local stack only).
const COUNTERS: &str = "x-loyalty-counters";
/// Untimed preparation runs this many calls at once: fast, without starving the edge.
const PREP_AT_ONCE: usize = 8;
/// Cart total of every session (250 SAR) and the part paid with points (20 SAR).
const CART_MINOR: u64 = 25_000;
const REDEEM_MINOR: u64 = 2_000;

/// How many calls each route gets, and how they are spread.
#[derive(Clone, Copy, Debug)]
struct Plan {
    sequential: usize,
    clients: usize,
    per_client: usize,
}

impl Plan {
    fn calls(&self) -> usize {
        self.sequential + self.clients * self.per_client
    }
}

fn plan() -> Result<Plan, String> {
    let mut plan = Plan {
        sequential: 40,
        clients: 50,
        per_client: 4,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: usize = it
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or(format!("{flag} needs a number"))?;
        match flag.as_str() {
            "--sequential" => plan.sequential = value,
            "--clients" => plan.clients = value,
            "--calls-per-client" => plan.per_client = value,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    // Shoppers' numbers are unique per run in blocks of 1000 (see `Bench::mobile`).
    if plan.sequential == 0 || plan.calls() > 500 {
        return Err("at least 1 sequential call and at most 500 calls per route".into());
    }
    Ok(plan)
}

/// Values aligned with the calls of a route; `None` where a prerequisite failed.
type Slots<T> = Vec<Option<T>>;

/// One timed answer: milliseconds to the last byte, status, JSON body (`{"text": ..}` if not
/// JSON), and whether `wrangler dev`'s proxy dropped it before the worker saw it.
struct Answer {
    ms: f64,
    status: u16,
    body: Value,
    dropped: bool,
}

impl Answer {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `request`, timing it to the last byte; also the counters header, if any.
async fn timed(request: RequestBuilder) -> (Answer, Option<String>) {
    let start = Instant::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            let body = json!({ "transport_error": e.to_string() });
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            let dropped = false;
            return (
                Answer {
                    ms,
                    status: 0,
                    body,
                    dropped,
                },
                None,
            );
        }
    };
    let status = response.status().as_u16();
    // The local proxy's own 503 (workers-sdk#14641), not the edge's answer (see `send`).
    let dropped = loyalty_e2e::harness_dropped(&response);
    let counters = response
        .headers()
        .get(COUNTERS)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = response.text().await.unwrap_or_default();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "text": text }));
    let answer = Answer {
        ms,
        status,
        body,
        dropped,
    };
    (answer, counters)
}

/// Nearest-rank percentile of sorted samples (p in 0..=1); 0 when there are none.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (sorted.len() as f64 * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// p50/p99 of the successful answers among `answers`.
fn latency(answers: &[&Answer]) -> Value {
    let mut ms: Vec<f64> = answers.iter().filter(|a| a.ok()).map(|a| a.ms).collect();
    ms.sort_by(f64::total_cmp);
    json!({"n": ms.len(), "p50_ms": percentile(&ms, 0.5), "p99_ms": percentile(&ms, 0.99)})
}

/// Runs `work` on every item, `PREP_AT_ONCE` at a time, keeping the items' order.
async fn parallel<I, T, F, Fut>(items: Vec<I>, work: F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(PREP_AT_ONCE));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let (gate, job) = (gate.clone(), work(item));
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await;
                job.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("a preparation task"));
    }
    out
}

/// The bench's shared state: one HTTP client (kept-alive connections, as a browser has),
/// the plan, and what makes this run's carts and shoppers its own.
struct Bench {
    http: reqwest::Client,
    plan: Plan,
    run: u64,
    merchant_secret: String,
}

impl Bench {
    fn new(plan: Plan) -> Bench {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("reqwest client");
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let merchant_secret = std::env::var("LOYALTY_MERCHANT_SECRET")
            .expect("LOYALTY_MERCHANT_SECRET (set by cargo xtask bench)");
        Bench {
            http,
            plan,
            run,
            merchant_secret,
        }
    }

    /// A Mokafaa number no other run uses: 1000 numbers per second of the run's start.
    fn mobile(&self, i: usize) -> String {
        let n = ((self.run % 100_000) * 1000 + i as u64) % 100_000_000;
        format!("05{n:08}")
    }

    fn cart(&self, set: &str, i: usize) -> String {
        format!("bench-{}-{set}-{i}", self.run)
    }

    /// A widget call from the demo storefront with the session's bearer token.
    fn widget(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", edge_url()))
            .header("Origin", DEMO_ORIGIN)
            .bearer_auth(token)
    }

    /// A merchant-server call signed at simulated time `now`, as the store's backend signs.
    fn signed(&self, path: &str, body: &Value, now: i64) -> RequestBuilder {
        let bytes = serde_json::to_vec(body).expect("JSON body");
        let header = sign(
            self.merchant_secret.as_bytes(),
            now,
            &bytes,
            PayloadLayout::TimestampDotBody,
        );
        self.http
            .post(format!("{}{path}", edge_url()))
            .header("Content-Type", "application/json")
            .header("Loyalty-Signature", header)
            .body(bytes)
    }
}

/// What one route measured, and the bodies of its successful answers in call order.
struct Measured {
    report: Value,
    bodies: Slots<Value>,
}

impl Bench {
    /// Times `requests`: the first `sequential` one after another, the rest spread over
    /// `clients` clients sending at once.
    async fn measure(&self, route: &str, requests: Slots<RequestBuilder>) -> Measured {
        eprintln!("route_bench: {route}");
        let total = requests.len();
        let mut queued: Vec<(usize, RequestBuilder)> = requests
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|r| (i, r)))
            .collect();
        let rest = queued.split_off(self.plan.sequential.min(queued.len()));
        let mut counters = None;
        let mut sequential = Vec::new();
        for (i, request) in queued {
            let (answer, header) = timed(request).await;
            // The first call the edge answered: a dropped one carries no counters.
            if counters.is_none() && answer.ok() {
                counters = header;
            }
            sequential.push((i, answer));
        }
        let (concurrent, wall) = self.at_once(rest).await;
        let report = route_report(route, total, &sequential, &concurrent, wall, counters);
        let mut bodies: Slots<Value> = (0..total).map(|_| None).collect();
        for (i, answer) in sequential.into_iter().chain(concurrent) {
            if answer.ok() {
                bodies[i] = Some(answer.body);
            }
        }
        Measured { report, bodies }
    }

    /// The calls spread round-robin over the clients, all started together; the wall time
    /// from the first send to the last answer.
    async fn at_once(&self, calls: Vec<(usize, RequestBuilder)>) -> (Vec<(usize, Answer)>, f64) {
        let clients = self.plan.clients.max(1);
        let mut queues: Vec<Vec<(usize, RequestBuilder)>> =
            (0..clients).map(|_| Vec::new()).collect();
        for (n, call) in calls.into_iter().enumerate() {
            queues[n % clients].push(call);
        }
        let start = Instant::now();
        let tasks: Vec<_> = queues
            .into_iter()
            .map(|queue| {
                tokio::spawn(async move {
                    let mut answers = Vec::with_capacity(queue.len());
                    for (i, request) in queue {
                        answers.push((i, timed(request).await.0));
                    }
                    answers
                })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.extend(task.await.expect("a client task"));
        }
        (answers, start.elapsed().as_secs_f64())
    }
}

/// One route's figures as JSON: latencies, throughput at once, errors and counters.
fn route_report(
    route: &str,
    planned: usize,
    sequential: &[(usize, Answer)],
    concurrent: &[(usize, Answer)],
    wall_s: f64,
    counters: Option<String>,
) -> Value {
    let seq: Vec<&Answer> = sequential.iter().map(|(_, a)| a).collect();
    let conc: Vec<&Answer> = concurrent.iter().map(|(_, a)| a).collect();
    let all = || seq.iter().chain(conc.iter());
    let failed: Vec<&&Answer> = all().filter(|a| !a.ok() && !a.dropped).collect();
    let dropped = all().filter(|a| a.dropped).count();
    let mut at_once = latency(&conc);
    let done = conc.iter().filter(|a| a.ok()).count();
    at_once["wall_s"] = json!(wall_s);
    at_once["req_per_s"] = json!(if wall_s > 0.0 {
        done as f64 / wall_s
    } else {
        0.0
    });
    json!({
        "route": route,
        "planned": planned,
        "calls": seq.len() + conc.len(),
        "errors": failed.len(),
        "dropped_by_local_proxy": dropped,
        "error_sample": failed.first().map(|a| format!("{} {}", a.status, a.body)),
        "sequential": latency(&seq),
        "concurrent": at_once,
        "counters": counters,
    })
}

/// The text at `key` of every body.
fn field(bodies: &Slots<Value>, key: &str) -> Slots<String> {
    bodies
        .iter()
        .map(|b| b.as_ref()?[key].as_str().map(str::to_string))
        .collect()
}

/// Sends prerequisites off the clock, a few at a time; the bodies of the 2xx answers.
async fn untimed(requests: Slots<RequestBuilder>) -> Slots<Value> {
    parallel(requests, |request| async move {
        let response = request?.send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json::<Value>().await.ok()
    })
    .await
}

/// Opens an account at the simulated bank for each number (off the clock).
async fn open_accounts(mobiles: &[String]) {
    parallel(mobiles.to_vec(), |mobile| async move {
        let customer = loyalty_sim::mokafaa::Customer {
            cic: format!("9{}", &mobile[2..]),
            mobile,
            points: 100_000,
            blocked: false,
            iban: None,
        };
        sim().add_mokafaa_customer(&customer).await;
    })
    .await;
}

/// The code the bank texted to each number that was sent one (off the clock).
async fn texted_codes(mobiles: &[String], challenges: &Slots<String>) -> Slots<String> {
    let wanted: Vec<Option<String>> = mobiles
        .iter()
        .zip(challenges)
        .map(|(m, c)| c.as_ref().map(|_| m.clone()))
        .collect();
    parallel(wanted, |mobile| async move {
        Some(sim().texted_otp(&mobile?).await?.otp)
    })
    .await
}

/// The requests of one route, one per cart (`None` where a prerequisite is missing).
impl Bench {
    fn statics(&self, path: &str) -> Slots<RequestBuilder> {
        let url = format!("{}{path}", edge_url());
        (0..self.plan.calls())
            .map(|_| Some(self.http.get(&url)))
            .collect()
    }

    fn sessions(&self, set: &str) -> Slots<RequestBuilder> {
        let url = format!("{}/v1/sessions", edge_url());
        (0..self.plan.calls())
            .map(|i| {
                let body = json!({"merchant_id": "demo", "cart_id": self.cart(set, i), "amount": {"minor": CART_MINOR, "currency": "SAR"}, "locale": "en"});
                Some(self.http.post(&url).header("Origin", DEMO_ORIGIN).json(&body))
            })
            .collect()
    }

    fn otps(&self, tokens: &Slots<String>, mobiles: &[String]) -> Slots<RequestBuilder> {
        let body = |m: &String| json!({"method": "mobile", "mobile": m});
        tokens
            .iter()
            .zip(mobiles)
            .map(|(t, m)| {
                Some(
                    self.widget(Method::POST, "/v1/mokafaa/otp", t.as_ref()?)
                        .json(&body(m)),
                )
            })
            .collect()
    }

    fn balances(
        &self,
        tokens: &Slots<String>,
        challenges: &Slots<String>,
    ) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(challenges)
            .map(|(t, c)| {
                let path = format!("/v1/mokafaa/balance?challenge_id={}", c.as_ref()?);
                Some(self.widget(Method::GET, &path, t.as_ref()?))
            })
            .collect()
    }

    fn redeems(
        &self,
        tokens: &Slots<String>,
        challenges: &Slots<String>,
        codes: &Slots<String>,
    ) -> Slots<RequestBuilder> {
        (0..tokens.len())
            .map(|i| {
                let (t, c, otp) = (tokens[i].as_ref()?, challenges[i].as_ref()?, codes[i].as_ref()?);
                let body = json!({"challenge_id": c, "otp": otp, "amount": {"minor": REDEEM_MINOR, "currency": "SAR"}});
                let key = format!("bench-{}-{c}", self.run);
                Some(self.widget(Method::POST, "/v1/mokafaa/redeem", t).header("Idempotency-Key", key).json(&body))
            })
            .collect()
    }

    fn undos(&self, tokens: &Slots<String>, redemptions: &Slots<String>) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(redemptions)
            .map(|(t, r)| {
                let path = format!("/v1/mokafaa/redemptions/{}/undo", r.as_ref()?);
                Some(self.widget(Method::POST, &path, t.as_ref()?))
            })
            .collect()
    }
}

/// Pongo's and the store server's requests.
impl Bench {
    fn previews(&self, tokens: &Slots<String>) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .map(|t| Some(self.widget(Method::GET, "/v1/pongo/earn-preview", t.as_ref()?)))
            .collect()
    }

    /// Each cart's shopper joins Pongo with the number they gave the bank, both answers given.
    fn enlists(&self, tokens: &Slots<String>, mobiles: &[String]) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(mobiles)
            .map(|(t, m)| {
                let body = json!({"phone": format!("+9665{}", &m[2..]), "email_optin": true, "sms_optin": false});
                Some(self.widget(Method::POST, "/v1/pongo/enlist", t.as_ref()?).json(&body))
            })
            .collect()
    }

    /// The store reports each enlisted cart's order paid, signed at `now`.
    fn pongo_orders(&self, enlisted: &Slots<Value>, now: i64) -> Slots<RequestBuilder> {
        (0..enlisted.len())
            .map(|i| {
                enlisted[i].as_ref()?;
                let body = json!({
                    "merchant_id": "demo", "order_id": format!("bench-{}-p{i}", self.run), "location_id": "web",
                    "payment_status": "succeeded", "amount": {"minor": CART_MINOR, "currency": "SAR"},
                    "lines": [{"sku": "SKU-BEANS", "name": "Beans", "quantity": 1, "unit_price": {"minor": CART_MINOR, "currency": "SAR"}}],
                    "payments": [{"method": "card", "amount": {"minor": CART_MINOR, "currency": "SAR"}}],
                    "cart_id": self.cart("a", i),
                });
                Some(self.signed("/v1/merchant/pongo/orders", &body, now))
            })
            .collect()
    }

    /// The store captures each redemption with its order (`paid`) or cancels that order.
    fn order_calls(
        &self,
        path: &str,
        redemptions: &Slots<String>,
        now: i64,
    ) -> Slots<RequestBuilder> {
        (0..redemptions.len())
            .map(|i| {
                let r = redemptions[i].as_ref()?;
                let mut body = json!({"merchant_id": "demo", "redemption_id": r, "order_id": format!("bench-{}-o{i}", self.run)});
                if path.ends_with("/paid") {
                    body["order_total"] = json!({"minor": CART_MINOR, "currency": "SAR"});
                }
                Some(self.signed(path, &body, now))
            })
            .collect()
    }
}

/// The journey, route by route; each route's answers are the next one's prerequisites.
impl Bench {
    /// Session, code, balance, redeem, undo on the carts of set `a`; returns their tokens.
    async fn mokafaa(&self, reports: &mut Vec<Value>, mobiles: &[String]) -> Slots<String> {
        let sessions = self.measure("POST /v1/sessions", self.sessions("a")).await;
        reports.push(sessions.report);
        let tokens = field(&sessions.bodies, "session_token");
        let otp = self
            .measure("POST /v1/mokafaa/otp", self.otps(&tokens, mobiles))
            .await;
        reports.push(otp.report);
        let challenges = field(&otp.bodies, "challenge_id");
        let codes = texted_codes(mobiles, &challenges).await;
        let balance = self.balances(&tokens, &challenges);
        reports.push(
            self.measure("GET /v1/mokafaa/balance", balance)
                .await
                .report,
        );
        let redeem = self.redeems(&tokens, &challenges, &codes);
        let redeemed = self.measure("POST /v1/mokafaa/redeem", redeem).await;
        reports.push(redeemed.report);
        let undo = self.undos(&tokens, &field(&redeemed.bodies, "redemption_id"));
        let route = "POST /v1/mokafaa/redemptions/:id/undo";
        reports.push(self.measure(route, undo).await.report);
        tokens
    }

    /// Earn preview, enlist and the paid order, on the same carts.
    async fn pongo(&self, reports: &mut Vec<Value>, tokens: &Slots<String>, mobiles: &[String]) {
        let preview = self.previews(tokens);
        reports.push(
            self.measure("GET /v1/pongo/earn-preview", preview)
                .await
                .report,
        );
        let enlisted = self
            .measure("POST /v1/pongo/enlist", self.enlists(tokens, mobiles))
            .await;
        reports.push(enlisted.report);
        let orders = self.pongo_orders(&enlisted.bodies, sim().now().await);
        let route = "POST /v1/merchant/pongo/orders";
        reports.push(self.measure(route, orders).await.report);
    }

    /// Carts of set `b` redeemed off the clock, then captured and cancelled by the store.
    async fn merchant(&self, reports: &mut Vec<Value>, mobiles: &[String]) {
        eprintln!("route_bench: preparing redemptions for the store's calls");
        let tokens = field(&untimed(self.sessions("b")).await, "session_token");
        let challenges = field(&untimed(self.otps(&tokens, mobiles)).await, "challenge_id");
        let codes = texted_codes(mobiles, &challenges).await;
        let redeemed = untimed(self.redeems(&tokens, &challenges, &codes)).await;
        let redemptions = field(&redeemed, "redemption_id");
        let paid = self.order_calls("/v1/merchant/orders/paid", &redemptions, sim().now().await);
        let captured = self.measure("POST /v1/merchant/orders/paid", paid).await;
        reports.push(captured.report);
        let kept = field(&captured.bodies, "redemption_id");
        let path = "/v1/merchant/orders/cancelled";
        let cancel = self.order_calls(path, &kept, sim().now().await);
        reports.push(
            self.measure("POST /v1/merchant/orders/cancelled", cancel)
                .await
                .report,
        );
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let plan = match plan() {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("route_bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let bench = Bench::new(plan);
    let started = Instant::now();
    // Fresh rate-limit windows (they follow the simulated clock), then Pongo connected.
    sim().clear_faults().await;
    sim().advance_clock(16 * 60).await;
    loyalty_e2e::pongo::connect().await;
    let calls = plan.calls();
    let mobiles_a: Vec<String> = (0..calls).map(|i| bench.mobile(i)).collect();
    let mobiles_b: Vec<String> = (calls..2 * calls).map(|i| bench.mobile(i)).collect();
    open_accounts(&[mobiles_a.clone(), mobiles_b.clone()].concat()).await;
    let mut reports = Vec::new();
    for (route, path) in [
        ("GET /embed.js", "/embed.js"),
        ("GET /v1/health", "/v1/health"),
    ] {
        reports.push(bench.measure(route, bench.statics(path)).await.report);
    }
    let tokens = bench.mokafaa(&mut reports, &mobiles_a).await;
    bench.pongo(&mut reports, &tokens, &mobiles_a).await;
    bench.merchant(&mut reports, &mobiles_b).await;
    let report = json!({
        "sequential": plan.sequential, "clients": plan.clients, "calls_per_client": plan.per_client,
        "static_route": "GET /embed.js", "seconds": started.elapsed().as_secs_f64(), "routes": reports,
    });
    println!("{report}");
    std::process::ExitCode::SUCCESS
}
