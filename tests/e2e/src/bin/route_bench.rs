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

// A bin's modules sit beside it unless told: these live in `route_bench/`.
#[path = "route_bench/measure.rs"]
mod measure;
#[path = "route_bench/prepare.rs"]
mod prepare;

use loyalty_e2e::{edge_url, sim, DEMO_ORIGIN};
use loyalty_shared::signature::{sign, PayloadLayout};
use measure::Slots;
use prepare::{field, open_accounts, texted_codes, untimed};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The static asset of the same origin every route is compared with.
const STATIC_PATH: &str = "/embed.js";

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
    // The edge runs on real time here (`cargo xtask bench` leaves the simulated clock out,
    // as production has none), so the simulators' clock must not move either.
    sim().clear_faults().await;
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
