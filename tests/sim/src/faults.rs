//! Per-operation fault switches, deterministic given the simulator's seed.
//!
//! An operation is a stable name such as `mokafaa.token`, `mokafaa.otp_validation`,
//! `pongo.orders.create` or `email.send`. Before the operation runs, [`Faults::before`] may
//! add latency or answer 5xx / 429 / 401 instead; after it commits, [`Faults::drop_after_commit`]
//! says whether to drop the connection so the caller never sees the answer.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// The faults switched on for one operation. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added before answering.
    pub latency_ms: u64,
    /// Chance of answering 503 instead, in per mille (1000 = always).
    pub error_rate_per_mille: u16,
    /// Answer 429 with this `Retry-After` (seconds).
    pub rate_limit_retry_after: Option<u32>,
    /// Answer 401 as the provider's gateway does for a bad token.
    pub unauthorized: bool,
    /// Commit the operation, then drop the connection without an answer.
    pub drop_after_commit: bool,
    /// Apply to this many calls, then switch off by itself (None: until cleared).
    pub times: Option<u32>,
}

/// One fault, as a test names it; [`FaultConfig::from`] switches it on alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answers 503 every time: the provider is down.
    Outage,
    /// Commits, then drops the connection: the caller never sees the answer.
    LostAnswer,
    /// Answers 429 with this `Retry-After` (seconds).
    Throttled(u32),
    /// Answers 401, as the gateway does for a bad token.
    Unauthorized,
    /// Waits this many milliseconds before answering.
    Latency(u64),
}

impl Fault {
    /// This fault for the next `calls` calls only.
    pub fn times(self, calls: u32) -> FaultConfig {
        FaultConfig::from(self).times(calls)
    }
}

impl From<Fault> for FaultConfig {
    fn from(fault: Fault) -> FaultConfig {
        let mut config = FaultConfig::default();
        match fault {
            Fault::Outage => config.error_rate_per_mille = 1000,
            Fault::LostAnswer => config.drop_after_commit = true,
            Fault::Throttled(seconds) => config.rate_limit_retry_after = Some(seconds),
            Fault::Unauthorized => config.unauthorized = true,
            Fault::Latency(ms) => config.latency_ms = ms,
        }
        config
    }
}

impl FaultConfig {
    /// The same, for the next `calls` calls only.
    pub fn times(self, calls: u32) -> FaultConfig {
        FaultConfig {
            times: Some(calls),
            ..self
        }
    }
}

/// What the shape of a provider's gateway error looks like, so a fault answers in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorShape {
    /// IBM API Connect: `{httpCode, httpMessage, moreInformation}`.
    MokafaaGateway,
    /// Laravel: `{message}`.
    Pongo,
    /// `{message, code}` of a transactional email API.
    Email,
}

pub struct Faults {
    table: Mutex<BTreeMap<String, FaultConfig>>,
    rng: Mutex<ChaCha8Rng>,
    seed: u64,
}

impl Faults {
    pub fn new(seed: u64) -> Self {
        Faults {
            table: Mutex::new(BTreeMap::new()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            seed,
        }
    }

    pub fn set(&self, operation: &str, config: FaultConfig) {
        let mut table = self.table.lock().expect("faults lock");
        if config == FaultConfig::default() {
            table.remove(operation);
        } else {
            table.insert(operation.to_string(), config);
        }
    }

    pub fn list(&self) -> BTreeMap<String, FaultConfig> {
        self.table.lock().expect("faults lock").clone()
    }

    /// Clears every fault and restarts the random sequence from the seed.
    pub fn clear(&self) {
        self.table.lock().expect("faults lock").clear();
        *self.rng.lock().expect("rng lock") = ChaCha8Rng::seed_from_u64(self.seed);
    }

    fn take(&self, operation: &str) -> Option<FaultConfig> {
        let mut table = self.table.lock().expect("faults lock");
        let config = table.get_mut(operation)?;
        let out = config.clone();
        if let Some(times) = config.times.as_mut() {
            *times = times.saturating_sub(1);
            if *times == 0 {
                table.remove(operation);
            }
        }
        Some(out)
    }

    /// Runs the pre-operation faults: `Err` is the answer to give instead (latency already
    /// waited); `Ok` says what to do once the operation has committed.
    pub async fn before(
        &self,
        operation: &str,
        shape: ErrorShape,
    ) -> Result<AfterCommit, Response> {
        let Some(config) = self.take(operation) else {
            return Ok(AfterCommit::default());
        };
        if config.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(config.latency_ms)).await;
        }
        if config.unauthorized {
            return Err(error(shape, StatusCode::UNAUTHORIZED, None));
        }
        if let Some(retry_after) = config.rate_limit_retry_after {
            return Err(error(
                shape,
                StatusCode::TOO_MANY_REQUESTS,
                Some(retry_after),
            ));
        }
        if config.error_rate_per_mille > 0 {
            let roll: u16 = self.rng.lock().expect("rng lock").gen_range(0..1000);
            if roll < config.error_rate_per_mille {
                return Err(error(shape, StatusCode::SERVICE_UNAVAILABLE, None));
            }
        }
        Ok(AfterCommit {
            drop_connection: config.drop_after_commit,
        })
    }
}

/// What a fault asks for once the operation committed: answer, or drop the connection.
/// The handlers that ignore it (reads, reward locks, webhook subscriptions) always answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AfterCommit {
    pub drop_connection: bool,
}

impl AfterCommit {
    /// The answer the caller sees: `response`, unless the fault drops the connection after a
    /// success (a refusal commits nothing, so it is always answered).
    pub fn answer(self, response: Response) -> Response {
        if self.drop_connection && response.status().is_success() {
            dropped_connection()
        } else {
            response
        }
    }
}

fn error(shape: ErrorShape, status: StatusCode, retry_after: Option<u32>) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = match shape {
        ErrorShape::MokafaaGateway => serde_json::json!({
            "httpCode": status.as_u16().to_string(),
            "httpMessage": reason,
            "moreInformation": match status {
                StatusCode::UNAUTHORIZED => "Cannot pass the security checks that are required by the target API or operation, Enable debug headers for more details.",
                _ => "The service is temporarily unavailable.",
            },
        }),
        ErrorShape::Pongo => serde_json::json!({ "message": match status {
            StatusCode::UNAUTHORIZED => "Unauthenticated.",
            StatusCode::TOO_MANY_REQUESTS => "Too Many Attempts.",
            _ => "Service Unavailable",
        }}),
        ErrorShape::Email => serde_json::json!({ "code": status.as_u16(), "message": reason }),
    };
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(seconds) = retry_after {
        if let Ok(value) = seconds.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// A response that makes the server close the connection without answering: the client sees
/// a connection error, exactly as when a network drops after the provider committed.
pub fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "simulated connection drop after commit",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
