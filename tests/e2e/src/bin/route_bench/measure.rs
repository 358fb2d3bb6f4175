//! Timing: one call to its last byte, a route sequentially and then by many clients at once,
//! and the route's figures as JSON.

use crate::Bench;
use reqwest::RequestBuilder;
use serde_json::{json, Value};
use std::time::Instant;

/// The edge's per-request cost counters (local stack only).
const COUNTERS: &str = "x-loyalty-counters";

/// Values aligned with the calls of a route; `None` where a prerequisite failed.
pub(crate) type Slots<T> = Vec<Option<T>>;

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

/// What one route measured, and the bodies of its successful answers in call order.
pub(crate) struct Measured {
    pub(crate) report: Value,
    pub(crate) bodies: Slots<Value>,
}

impl Bench {
    /// Times `requests`: the first `sequential` one after another, the rest spread over
    /// `clients` clients sending at once.
    pub(crate) async fn measure(&self, route: &str, requests: Slots<RequestBuilder>) -> Measured {
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
        let mut paired = Vec::new();
        for (i, request) in queued {
            // The static asset just before each call: the pair sees the same machine, so
            // the ratio does not drift with other load between routes.
            paired.push(timed(self.static_call()).await.0);
            let (answer, header) = timed(request).await;
            // The first call the edge answered: a dropped one carries no counters.
            if counters.is_none() && answer.ok() {
                counters = header;
            }
            sequential.push((i, answer));
        }
        let (concurrent, wall) = self.at_once(rest).await;
        let mut report = route_report(route, total, &sequential, &concurrent, wall, counters);
        report["paired_static"] = latency(&paired.iter().collect::<Vec<_>>());
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
