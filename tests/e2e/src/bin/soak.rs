//! `soak`: many shoppers' whole journeys at once against the running stack while the
//! simulators inject latency, 5xx, 429 and commit-then-drop faults; then, after the cron has
//! settled everything, the bank's books, Pongo's books and the ledger must agree to the point.
//!
//! Run by `cargo xtask soak` (200 shoppers, 50 at once) and, short, by `cargo xtask test`.
//! Bounded and loopback only: it stops by itself. Writes `report.md` and `report.json` into
//! the directory given and prints a `test result:` line; exits non-zero on any discrepancy.
//!
//! `soak [--shoppers N] [--concurrency N] [--seed N] [--report DIR]`

use loyalty_e2e::{
    edge_url, http, merchant_post, new_shopper, run_cron, sim, widget, Fault, FaultConfig,
    DEMO_ORIGIN,
};
use loyalty_shared::api::{MerchantRedemption, Redemption, RedemptionState};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    shoppers: usize,
    concurrency: usize,
    seed: u64,
    report: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        shoppers: 200,
        concurrency: 50,
        seed: 1,
        report: PathBuf::from("target/soak"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--shoppers" => args.shoppers = value.parse().map_err(|_| "--shoppers N")?,
            "--concurrency" => args.concurrency = value.parse().map_err(|_| "--concurrency N")?,
            "--seed" => args.seed = value.parse().map_err(|_| "--seed N")?,
            "--report" => args.report = PathBuf::from(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if args.shoppers == 0 || args.concurrency == 0 {
        return Err("--shoppers and --concurrency must be positive".into());
    }
    Ok(args)
}

/// A small deterministic generator, so a seed replays the same mix of journeys.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

/// What the shopper means to do once the points are redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Undo,
    Capture,
    CaptureThenCancel,
    Abandon,
}

/// Per-route latencies (ms) and every answer the edge gave that no client should ever see.
#[derive(Default)]
struct Observed {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    server_errors: Vec<String>,
}

impl Observed {
    /// One answer of `route` that took since `start`; a 5xx other than the provider's
    /// `upstream_unavailable` (told as such) is ours, and noted.
    fn record(&mut self, route: &'static str, start: Instant, status: u16, body: &Value) {
        self.latencies
            .entry(route)
            .or_default()
            .push(start.elapsed().as_secs_f64() * 1000.0);
        if status >= 500 && body["error"]["code"] != "upstream_unavailable" {
            self.server_errors.push(format!("{route}: {status} {body}"));
        }
    }
}

type Shared = Arc<Mutex<Observed>>;

async fn timed(
    observed: &Shared,
    route: &'static str,
    request: reqwest::RequestBuilder,
) -> Option<(u16, Value)> {
    let start = Instant::now();
    let response = loyalty_e2e::send(request).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    observed.lock().unwrap().record(route, start, status, &body);
    Some((status, body))
}

/// One shopper's journey and what it saw.
#[derive(Debug, Clone)]
struct Journey {
    index: usize,
    mobile: String,
    initial_points: i64,
    token: String,
    intent: Intent,
    key: String,
    challenge_id: String,
    otp: String,
    minor: u64,
    redemption: Option<Redemption>,
    order_id: String,
    second_order_refused: Option<bool>,
    pongo_order: Option<(String, u16)>,
}

async fn session(observed: &Shared, cart: &str) -> Option<String> {
    let request = http()
        .post(format!("{}/v1/sessions", edge_url()))
        .header("Origin", DEMO_ORIGIN)
        .json(&json!({"merchant_id": "demo", "cart_id": cart, "amount": {"minor": 25_000, "currency": "SAR"}, "locale": "en"}));
    let (status, body) = timed(observed, "POST /v1/sessions", request).await?;
    (status == 201).then(|| {
        body["session_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    })
}

async fn redeem_once(observed: &Shared, j: &Journey) -> Option<(u16, Value)> {
    let request = widget(reqwest::Method::POST, "/v1/mokafaa/redeem", &j.token)
        .header("Idempotency-Key", &j.key)
        .json(&json!({"challenge_id": j.challenge_id, "otp": j.otp, "amount": {"minor": j.minor, "currency": "SAR"}}));
    timed(observed, "POST /v1/mokafaa/redeem", request).await
}

/// Redeems with one key, retrying as the widget does (same key) on a lost answer.
async fn redeem_with_retries(observed: &Shared, j: &mut Journey, duplicate: bool) {
    for _ in 0..6 {
        let answer = if duplicate {
            let (a, b) = tokio::join!(redeem_once(observed, j), redeem_once(observed, j));
            // Either copy's success is the redemption; both carry the same row.
            match (&a, &b) {
                (Some((s, _)), _) if *s < 300 => a,
                (_, Some((s, _))) if *s < 300 => b,
                _ => a,
            }
        } else {
            redeem_once(observed, j).await
        };
        match answer {
            Some((status, body)) if status < 300 => {
                j.redemption = serde_json::from_value(body).ok();
                return;
            }
            Some((_, body))
                if matches!(
                    body["error"]["code"].as_str(),
                    Some("request_in_progress" | "upstream_unavailable")
                ) =>
            {
                let wait = body["error"]["retry_after_seconds"]
                    .as_u64()
                    .unwrap_or(1)
                    .min(2);
                tokio::time::sleep(Duration::from_millis(250 * wait.max(1))).await;
            }
            _ => return,
        }
    }
}

async fn merchant(observed: &Shared, route: &'static str, body: Value) -> Option<(u16, Value)> {
    // A signature is good once per second and body: a repeat waits for the next second.
    for _ in 0..3 {
        let start = Instant::now();
        let response = merchant_post(route, &body).await;
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if answer["error"]["code"] == "signature_replayed" {
            tokio::time::sleep(Duration::from_millis(1100)).await;
            continue;
        }
        observed
            .lock()
            .unwrap()
            .record(route, start, status, &answer);
        return Some((status, answer));
    }
    None
}

async fn journey(observed: Shared, run: String, index: usize, seed: u64) -> Option<Journey> {
    let mut dice = Dice(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(index as u64 + 1),
    );
    let intent = match dice.roll(10) {
        0..=2 => Intent::Undo,
        3..=5 => Intent::Capture,
        6 => Intent::CaptureThenCancel,
        _ => Intent::Abandon,
    };
    let initial_points = 100_000;
    let shopper = new_shopper(initial_points).await;
    let cart = format!("soak-{run}-cart-{index}");
    let token = session(&observed, &cart).await?;
    let mut challenge = Value::Null;
    for _ in 0..3 {
        let request = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &token)
            .json(&json!({"method": "mobile", "mobile": shopper.mobile}));
        if let Some((201, body)) = timed(&observed, "POST /v1/mokafaa/otp", request).await {
            challenge = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let challenge_id = challenge["challenge_id"].as_str()?.to_string();
    let otp = sim().last_otp(&shopper.mobile).await;
    let balance = loyalty_e2e::balance_request(&token, &challenge_id);
    timed(&observed, "GET /v1/mokafaa/balance", balance).await;
    let mut j = Journey {
        index,
        mobile: shopper.mobile.clone(),
        initial_points,
        token: token.clone(),
        intent,
        key: format!("soak-{run}-{index}"),
        challenge_id,
        otp: otp.clone(),
        minor: 1_000 + dice.roll(5) * 500,
        redemption: None,
        order_id: format!("soak-{run}-order-{index}"),
        second_order_refused: None,
        pongo_order: None,
    };
    if dice.roll(4) == 0 {
        // A wrong code first, as shoppers do.
        let mut wrong_try = j.clone();
        wrong_try.key = format!("{}-wrong", j.key);
        wrong_try.otp = loyalty_e2e::wrong_code(&otp);
        redeem_once(&observed, &wrong_try).await;
    }
    let duplicate = dice.roll(5) == 0;
    redeem_with_retries(&observed, &mut j, duplicate).await;
    if let Some(r) = j.redemption.clone() {
        match intent {
            Intent::Undo => {
                let request = widget(
                    reqwest::Method::POST,
                    &format!("/v1/mokafaa/redemptions/{}/undo", r.redemption_id),
                    &token,
                );
                timed(&observed, "POST /v1/mokafaa/redemptions/:id/undo", request).await;
            }
            Intent::Capture | Intent::CaptureThenCancel => {
                let paid = json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": j.order_id, "order_total": {"minor": 25_000, "currency": "SAR"}});
                merchant(&observed, "/v1/merchant/orders/paid", paid).await;
                if index.is_multiple_of(7) {
                    // The same receipt for another order: must be refused.
                    let other = json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": format!("{}-again", j.order_id), "order_total": {"minor": 25_000, "currency": "SAR"}});
                    let answer = merchant(&observed, "/v1/merchant/orders/paid", other).await;
                    j.second_order_refused = Some(answer.is_some_and(|(s, _)| s == 409));
                }
                if intent == Intent::CaptureThenCancel {
                    let cancel = json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": j.order_id});
                    merchant(&observed, "/v1/merchant/orders/cancelled", cancel).await;
                }
            }
            Intent::Abandon => {}
        }
    }
    if index.is_multiple_of(3) {
        // The same shopper also joins Pongo on this cart and the store reports the order.
        let digits: String = format!("9665{}", &shopper.mobile[2..]);
        let enlist = widget(reqwest::Method::POST, "/v1/pongo/enlist", &token)
            .json(&json!({"phone": format!("+{digits}"), "email_optin": true, "sms_optin": false}));
        if let Some((200, _)) = timed(&observed, "POST /v1/pongo/enlist", enlist).await {
            let order_id = format!("soak-{run}-p{index}");
            let body = json!({
                "merchant_id": "demo", "order_id": order_id, "location_id": "web", "payment_status": "succeeded",
                "amount": {"minor": 4_000, "currency": "SAR"},
                "lines": [{"sku": "SKU-BEANS", "name": "Beans", "quantity": 1, "unit_price": {"minor": 4_000, "currency": "SAR"}}],
                "payments": [{"method": "card", "amount": {"minor": 4_000, "currency": "SAR"}}],
                "cart_id": cart,
            });
            let status = merchant(&observed, "/v1/merchant/pongo/orders", body)
                .await
                .map(|(s, _)| s)
                .unwrap_or(0);
            j.pongo_order = Some((order_id, status));
        }
    }
    Some(j)
}

/// Faults sprinkled while the journeys run: latency and 5xx on every bank call, answers lost
/// after the bank committed, Pongo throttling and outages.
async fn chaos(stop: Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::Ordering;
    let mut tick = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let sim = sim();
        let flaky = |latency_ms, error_rate_per_mille, drop_after_commit| FaultConfig {
            latency_ms,
            error_rate_per_mille,
            drop_after_commit,
            ..FaultConfig::default()
        };
        sim.inject_fault(
            "mokafaa.otp_validation",
            flaky(30, 80, tick.is_multiple_of(3)).times(1),
        )
        .await;
        sim.inject_fault("mokafaa.reversal", flaky(20, 150, tick % 4 == 1).times(2))
            .await;
        sim.inject_fault("mokafaa.customer_authorization", Fault::Latency(20))
            .await;
        if tick.is_multiple_of(5) {
            sim.inject_fault("pongo.orders.create", Fault::Throttled(1).times(1))
                .await;
        } else if tick % 5 == 2 {
            sim.inject_fault("pongo.orders.create", Fault::Outage.times(1))
                .await;
        }
        tick += 1;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
}

/// Journeys whose answer is not known yet ask again with their key, as the widget does.
async fn reask(observed: &Shared, journeys: &mut [Journey]) {
    for j in journeys.iter_mut().filter(|j| j.redemption.is_none()) {
        if let Some((status, body)) = redeem_once(observed, j).await {
            if status < 300 {
                j.redemption = serde_json::from_value(body).ok();
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("soak: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let run = format!(
        "{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    );
    let observed: Shared = Arc::default();
    sim().clear_faults().await;
    loyalty_e2e::pongo::connect().await;
    // Settle what earlier runs left, so only this run's rows are judged.
    sim().advance_clock(16 * 60).await;
    run_cron().await;

    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let chaos_task = tokio::spawn(chaos(stop.clone()));
    let gate = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
    let mut tasks = Vec::new();
    for index in 0..args.shoppers {
        let (gate, observed, run) = (gate.clone(), observed.clone(), run.clone());
        let seed = args.seed;
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.ok()?;
            journey(observed, run, index, seed).await
        }));
    }
    let mut journeys = Vec::new();
    let mut incomplete = 0;
    for task in tasks {
        match task.await {
            Ok(Some(j)) => journeys.push(j),
            _ => incomplete += 1,
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = chaos_task.await;
    sim().clear_faults().await;
    let journeys_seconds = started.elapsed().as_secs_f64();

    // The cron settles everything: lost answers are reconciled, then every journey asks
    // once more with its key (the widget's retry), then abandoned carts and reversal retries.
    sim().advance_clock(61).await;
    run_cron().await;
    reask(&observed, &mut journeys).await;
    sim().advance_clock(16 * 60).await;
    run_cron().await;
    sim().advance_clock(91 * 60).await;
    run_cron().await;
    for _ in 0..8 {
        sim().advance_clock(61 * 60).await;
        run_cron().await;
    }
    reask(&observed, &mut journeys).await;

    let books = sim().mokafaa_books().await;
    let pongo_books = sim().pongo_books().await;
    let attention: Vec<Value> = match http()
        .get(format!("{}/v1/operator/redemptions/attention", edge_url()))
        .bearer_auth(std::env::var("LOYALTY_OPERATOR_TOKEN").unwrap_or_default())
        .send()
        .await
    {
        Ok(response) => response.json().await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let parked: Vec<String> = attention
        .iter()
        .filter_map(|a| {
            a["redemption"]["redemption_id"]
                .as_str()
                .map(str::to_string)
        })
        .collect();

    let mut discrepancies: Vec<String> = Vec::new();
    let (mut lost, mut doubled, mut captured_twice, mut stuck, mut pongo_duplicates) =
        (0, 0, 0, 0, 0);
    let mut states: BTreeMap<String, u64> = BTreeMap::new();
    for j in &journeys {
        let held = books
            .customer(&j.mobile)
            .map_or(j.initial_points, |c| c.points);
        let taken = j.initial_points - held;
        let redemptions_at_bank = books
            .transactions_of(&j.mobile)
            .filter(|t| t.kind == "Redemption")
            .count();
        if redemptions_at_bank > 1 {
            doubled += 1;
            discrepancies.push(format!(
                "shopper {}: {redemptions_at_bank} bank redemptions for one key",
                j.index
            ));
        }
        let ledger: Option<MerchantRedemption> = match &j.redemption {
            Some(r) if !r.receipt.is_empty() => merchant(
                &observed,
                "/v1/merchant/receipts/verify",
                json!({"merchant_id": "demo", "receipt": r.receipt}),
            )
            .await
            .and_then(|(s, b)| (s == 200).then(|| serde_json::from_value(b).ok()).flatten()),
            _ => None,
        };
        let state = ledger.as_ref().map(|l| l.state);
        let outcome = state.map_or("none".to_string(), |s| format!("{s:?}").to_lowercase());
        *states
            .entry(format!("{:?} -> {outcome}", j.intent))
            .or_default() += 1;
        let expected_taken = match (state, &ledger) {
            (Some(RedemptionState::Captured), Some(l)) => l.points as i64,
            (Some(RedemptionState::Reversed | RedemptionState::Failed), _) | (None, _) => 0,
            (Some(other), Some(l)) => {
                if !parked.contains(&l.redemption_id) {
                    stuck += 1;
                    discrepancies.push(format!(
                        "shopper {}: redemption {} still {other:?} after the cron",
                        j.index, l.redemption_id
                    ));
                }
                taken
            }
            (Some(_), None) => taken,
        };
        if taken != expected_taken {
            lost += 1;
            discrepancies.push(format!("shopper {}: the bank took {taken} points, the ledger says {expected_taken} ({state:?})", j.index));
        }
        if let Some(l) = &ledger {
            if l.state == RedemptionState::Captured
                && l.order_id.as_deref() != Some(j.order_id.as_str())
            {
                captured_twice += 1;
                discrepancies.push(format!(
                    "shopper {}: captured by {:?}, not {}",
                    j.index, l.order_id, j.order_id
                ));
            }
        }
        if j.second_order_refused == Some(false) {
            captured_twice += 1;
            discrepancies.push(format!(
                "shopper {}: a second order was accepted for one redemption",
                j.index
            ));
        }
        if let Some((order_id, status)) = &j.pongo_order {
            let sent = pongo_books
                .orders
                .iter()
                .filter(|o| &o.order_id == order_id)
                .count();
            if sent != 1 {
                pongo_duplicates += 1;
                discrepancies.push(format!(
                    "shopper {}: Pongo order {order_id} arrived {sent} times (answered {status})",
                    j.index
                ));
            }
        }
    }
    let observed = observed.lock().unwrap();
    for e in &observed.server_errors {
        discrepancies.push(format!("server error: {e}"));
    }
    let mut routes = serde_json::Map::new();
    let mut table = String::from("| route | calls | p50 ms | p99 ms |\n|---|---:|---:|---:|\n");
    for (route, samples) in &observed.latencies {
        let mut sorted = samples.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let (p50, p99) = (percentile(&sorted, 50.0), percentile(&sorted, 99.0));
        table.push_str(&format!(
            "| `{route}` | {} | {p50:.1} | {p99:.1} |\n",
            sorted.len()
        ));
        routes.insert(
            route.to_string(),
            json!({"calls": sorted.len(), "p50_ms": p50, "p99_ms": p99}),
        );
    }
    let report = json!({
        "shoppers": args.shoppers, "concurrency": args.concurrency, "seed": args.seed,
        "journeys_completed": journeys.len(), "journeys_incomplete": incomplete,
        "journeys_seconds": journeys_seconds, "total_seconds": started.elapsed().as_secs_f64(),
        "final_states": states, "parked_for_a_person": parked.len(),
        "lost": lost, "doubled": doubled, "captured_twice": captured_twice, "stuck": stuck,
        "pongo_duplicates": pongo_duplicates, "server_errors": observed.server_errors.len(),
        "discrepancies": discrepancies, "routes": routes,
    });
    let markdown = format!(
        "# Soak report\n\n{} shoppers, {} at once (seed {}): {} journeys completed, {} incomplete, in {:.0} s (whole run {:.0} s).\n\n\
         | check | count |\n|---|---:|\n| lost (bank and ledger disagree) | {lost} |\n| doubled | {doubled} |\n| captured twice | {captured_twice} |\n\
         | stuck outside a final or attention state | {stuck} |\n| Pongo orders not exactly once | {pongo_duplicates} |\n| 5xx other than upstream_unavailable | {} |\n\
         | parked for a person | {} |\n\nFinal ledger states: {}\n\n{table}\n{}\n",
        args.shoppers, args.concurrency, args.seed, journeys.len(), incomplete, journeys_seconds, started.elapsed().as_secs_f64(),
        observed.server_errors.len(), parked.len(),
        serde_json::to_string(&report["final_states"]).unwrap_or_default(),
        if discrepancies.is_empty() { "No discrepancies.".to_string() } else { format!("Discrepancies:\n\n- {}", discrepancies.join("\n- ")) }
    );
    let _ = std::fs::create_dir_all(&args.report);
    let _ = std::fs::write(
        args.report.join("report.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    );
    let _ = std::fs::write(args.report.join("report.md"), &markdown);
    println!("{markdown}");
    let failed = discrepancies.len() + incomplete;
    println!(
        "test result: {}. {} passed; {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" },
        journeys.len().saturating_sub(failed)
    );
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
