//! Every call that moves Pongo points goes through `pongo_outbox`: written first, then sent
//! (at once, and by the cron until it is sent). A row's payload never changes, so a retry
//! is the same call, and Pongo's idempotency on `order_id` makes a retried order a 202.
//!
//! What happens after an answer is decided by [`decide`], plain code with tests.

use super::connection::{self, Connection, PongoApp};
use super::errors::PongoFailure;
use crate::domain::pongo_orders::PlannedCall;
use crate::http::{internal, ApiResult};
use crate::store::{changes, int, statement};
use loyalty_shared::api::{
    DeliveryState, PongoCall, PongoCallAttention, PongoCallKind, PongoOrderResult, ATTENTION_LIMIT,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::Deserialize;
use serde_json::Value;
use worker::D1Database;

/// A row is leased this long while one worker sends it, so the cron and a request never
/// send the same row at the same time.
const LEASE_SECONDS: i64 = 120;

/// While the merchant's token is refused, try again this often (a reconnect wakes the
/// rows at once).
const EXPIRED_RETRY_SECONDS: i64 = 3600;

#[derive(Debug, Clone, Deserialize)]
pub struct OutboxRow {
    pub merchant_id: String,
    pub call_key: String,
    pub order_id: String,
    pub kind: String,
    pub method: String,
    pub path: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub pongo_id: Option<String>,
    pub points_earned: i64,
    /// 1 once a try ended without an answer: Pongo may have carried it out.
    #[serde(default)]
    pub maybe_landed: i64,
}

pub fn kind_name(kind: PongoCallKind) -> &'static str {
    match kind {
        PongoCallKind::Order => "order",
        PongoCallKind::Checkin => "checkin",
        PongoCallKind::UseReward => "use_reward",
        PongoCallKind::CancelOrder => "cancel_order",
    }
}

fn kind_of(name: &str) -> PongoCallKind {
    match name {
        "checkin" => PongoCallKind::Checkin,
        "use_reward" => PongoCallKind::UseReward,
        "cancel_order" => PongoCallKind::CancelOrder,
        _ => PongoCallKind::Order,
    }
}

fn state_of(name: &str) -> DeliveryState {
    match name {
        "sent" => DeliveryState::Sent,
        "failed" => DeliveryState::Failed,
        "withdrawn" => DeliveryState::Withdrawn,
        _ => DeliveryState::Queued,
    }
}

impl OutboxRow {
    pub fn view(&self) -> PongoCall {
        PongoCall {
            key: self.call_key.clone(),
            kind: kind_of(&self.kind),
            state: state_of(&self.state),
            points_earned: self.points_earned.max(0) as u64,
            last_error: self.last_error.clone(),
        }
    }
}

/// What to do with a row after one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Sent {
        pongo_id: Option<String>,
        points: u64,
    },
    Retry {
        at: i64,
        error: ErrorCode,
        /// No answer came back: Pongo may have carried the call out (kept on the row).
        may_have_landed: bool,
    },
    /// The token was refused: the connection is marked expired; the row waits.
    Expired { at: i64 },
    /// Pongo refused the content; retrying the same content cannot help.
    Failed { error: ErrorCode },
    /// Another worker holds the row, or it is not due yet: nothing was sent.
    Busy,
}

/// Backoff for 5xx and timeouts: 1, 2, 4 ... minutes, at most an hour, never giving up (an
/// order must survive an outage of any length; the admin view shows what waits).
fn backoff(now: i64, attempts: i64) -> i64 {
    now + (60i64 << attempts.clamp(0, 6)).min(3600)
}

/// What earlier tries of a row tell about this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct History {
    /// Tries before this one.
    pub attempts: i64,
    /// Whether one of them ended without an answer (so Pongo may have it already).
    pub maybe_landed: bool,
}

/// Decides after a try.
pub fn decide(
    kind: PongoCallKind,
    history: History,
    outcome: &Result<(u16, Value), PongoFailure>,
    now: i64,
) -> Decision {
    match outcome {
        Ok((_, body)) => {
            let data = body.get("data").unwrap_or(&Value::Null);
            Decision::Sent {
                pongo_id: data.get("id").and_then(Value::as_str).map(str::to_string),
                points: data
                    .get("points_earned")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            }
        }
        // A 429 is a clean refusal: nothing was done.
        Err(PongoFailure::RetryAfter(seconds)) => Decision::Retry {
            at: now + i64::from(*seconds).max(1),
            error: ErrorCode::RateLimited,
            may_have_landed: false,
        },
        Err(PongoFailure::Unavailable) => Decision::Retry {
            at: backoff(now, history.attempts),
            error: ErrorCode::UpstreamUnavailable,
            may_have_landed: true,
        },
        Err(failure) if failure.needs_reconnect() => Decision::Expired {
            at: now + EXPIRED_RETRY_SECONDS,
        },
        // Only after a try that may have landed unseen: a checkin refused by the delay rule,
        // or a reward Pongo will not use again, means that try worked. After a clean refusal
        // (429, 401) nothing landed, and the refusal is the answer.
        Err(PongoFailure::Invalid { field })
            if history.maybe_landed
                && kind == PongoCallKind::Checkin
                && field.as_deref() == Some("enforce_checkin_delay") =>
        {
            Decision::Sent {
                pongo_id: None,
                points: 0,
            }
        }
        Err(PongoFailure::Invalid { .. })
            if history.maybe_landed && kind == PongoCallKind::UseReward =>
        {
            Decision::Sent {
                pongo_id: None,
                points: 0,
            }
        }
        // Cancelling an order Pongo never stored (it was withdrawn after a try that did not
        // land after all): there is nothing to take back.
        Err(PongoFailure::NotFound) if kind == PongoCallKind::CancelOrder => Decision::Sent {
            pongo_id: None,
            points: 0,
        },
        Err(failure) => Decision::Failed {
            error: failure.code(),
        },
    }
}

/// Ignores the fields that hold the time of the request, so a replay is recognised.
fn content(payload: &Value) -> Value {
    let mut v = payload.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("created_at");
        map.remove("datetime");
    }
    v
}

async fn rows_of(db: &D1Database, merchant_id: &str, order_id: &str) -> ApiResult<Vec<OutboxRow>> {
    statement(db, "SELECT * FROM pongo_outbox WHERE merchant_id = ?1 AND order_id = ?2 ORDER BY created_at, call_key", &[merchant_id.into(), order_id.into()])?
        .all()
        .await
        .and_then(|r| r.results())
        .map_err(|e| internal("pongo outbox", e))
}

/// Writes the calls of an order. The same order sent again is a replay (nothing new is
/// written); the same `order_id` with other contents is `idempotency_conflict`.
pub async fn enqueue(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
    calls: &[PlannedCall],
    now: i64,
) -> ApiResult<()> {
    let existing: Vec<OutboxRow> = rows_of(db, merchant_id, order_id)
        .await?
        .into_iter()
        .filter(|r| r.kind != "cancel_order")
        .collect();
    if !existing.is_empty() {
        let same = existing.len() == calls.len()
            && calls.iter().all(|call| {
                existing.iter().any(|row| {
                    row.call_key == call.key
                        && serde_json::from_str::<Value>(&row.payload)
                            .is_ok_and(|p| content(&p) == content(&call.payload))
                })
            });
        return if same {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::IdempotencyConflict, Locale::En).with_field("order_id"))
        };
    }
    insert(db, merchant_id, order_id, calls, now).await
}

/// Inserts calls whose keys are new (existing keys are left as they are).
pub async fn insert(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
    calls: &[PlannedCall],
    now: i64,
) -> ApiResult<()> {
    let mut batch = Vec::with_capacity(calls.len());
    for call in calls {
        batch.push(statement(
            db,
            "INSERT INTO pongo_outbox (merchant_id, call_key, order_id, kind, method, path, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (merchant_id, call_key) DO NOTHING",
            &[
                merchant_id.into(),
                call.key.as_str().into(),
                order_id.into(),
                kind_name(call.kind).into(),
                call.method.into(),
                call.path.as_str().into(),
                call.payload.to_string().into(),
                int(now),
            ],
        )?);
    }
    if !batch.is_empty() {
        db.batch(batch)
            .await
            .map_err(|e| internal("pongo outbox insert", e))?;
    }
    Ok(())
}

/// Takes the row for one try, unless another worker holds it or it is not due.
async fn lease(db: &D1Database, row: &OutboxRow, now: i64) -> ApiResult<bool> {
    let result = statement(
        db,
        "UPDATE pongo_outbox SET next_attempt_at = ?3 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued' AND next_attempt_at <= ?4",
        &[row.merchant_id.as_str().into(), row.call_key.as_str().into(), int(now + LEASE_SECONDS), int(now)],
    )?
    .run()
    .await
    .map_err(|e| internal("pongo outbox lease", e))?;
    Ok(changes(&result) == 1)
}

/// Sends one queued row once and records the outcome.
pub async fn send(
    db: &D1Database,
    app: &PongoApp,
    connection: &Connection,
    row: &OutboxRow,
    now: i64,
) -> ApiResult<Decision> {
    if !lease(db, row, now).await? {
        return Ok(Decision::Busy);
    }
    let payload: Value =
        serde_json::from_str(&row.payload).map_err(|e| internal("outbox payload", e))?;
    let client = connection.client(app);
    let outcome = client.call(&row.method, &row.path, &payload).await;
    let kind = kind_of(&row.kind);
    let history = History {
        attempts: row.attempts,
        maybe_landed: row.maybe_landed != 0,
    };
    let mut decision = decide(kind, history, &outcome, now);
    // Pongo already had the order (our earlier try landed unseen): its 202 names the order
    // but not the points, which the host page shows. A failed look-up leaves 0, logged.
    if let (
        Ok((202, _)),
        PongoCallKind::Order,
        Decision::Sent {
            pongo_id: Some(id),
            points,
        },
    ) = (&outcome, kind, &mut decision)
    {
        match client.order_points(id).await {
            Ok(earned) => *points = earned,
            Err(failure) => worker::console_warn!(
                "merchant {}: points of Pongo order {} unknown ({})",
                row.merchant_id,
                row.call_key,
                failure.code().as_str()
            ),
        }
    }
    let key: [wasm_bindgen::JsValue; 2] = [
        row.merchant_id.as_str().into(),
        row.call_key.as_str().into(),
    ];
    let update = match &decision {
        Decision::Busy => return Ok(decision),
        Decision::Sent { pongo_id, points } => statement(
            db,
            "UPDATE pongo_outbox SET state = 'sent', attempts = attempts + 1, pongo_id = ?3, points_earned = ?4, sent_at = ?5, last_error = NULL
             WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
            &[key[0].clone(), key[1].clone(), pongo_id.clone().map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL), int(*points as i64), int(now)],
        )?,
        Decision::Retry {
            at,
            error,
            may_have_landed,
        } => {
            statement(
                db,
                "UPDATE pongo_outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4, maybe_landed = MAX(maybe_landed, ?5)
                 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
                &[key[0].clone(), key[1].clone(), int(*at), error.as_str().into(), int(i64::from(*may_have_landed))],
            )?
        }
        Decision::Expired { at } => {
            connection::mark_expired(db, &row.merchant_id, now).await?;
            statement(
                db,
                "UPDATE pongo_outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
                &[key[0].clone(), key[1].clone(), int(*at), ErrorCode::PongoNotConnected.as_str().into()],
            )?
        }
        Decision::Failed { error } => {
            worker::console_warn!("merchant {}: Pongo refused call {} ({})", row.merchant_id, row.call_key, error.as_str());
            statement(
                db,
                "UPDATE pongo_outbox SET state = 'failed', attempts = attempts + 1, last_error = ?3 WHERE merchant_id = ?1 AND call_key = ?2 AND state = 'queued'",
                &[key[0].clone(), key[1].clone(), error.as_str().into()],
            )?
        }
    };
    let updated = update
        .run()
        .await
        .map_err(|e| internal("pongo outbox update", e))?;
    // The order was cancelled while this try was under way: it reached Pongo all the same,
    // so it is cancelled there too.
    if let (Decision::Sent { pongo_id, .. }, PongoCallKind::Order, 0) =
        (&decision, kind, changes(&updated))
    {
        let cancel = crate::domain::pongo_orders::cancel_call(
            &row.call_key,
            pongo_id.as_deref().unwrap_or(&row.call_key),
        );
        insert(db, &row.merchant_id, &row.order_id, &[cancel], now).await?;
    }
    Ok(decision)
}

/// Sends the order's queued calls now (when the connection is usable) and reports them.
pub async fn deliver_order(
    db: &D1Database,
    app: &PongoApp,
    connection: Option<&Connection>,
    merchant_id: &str,
    order_id: &str,
    now: i64,
) -> ApiResult<PongoOrderResult> {
    if let Some(connection) = connection.filter(|c| c.usable(now)) {
        for row in rows_of(db, merchant_id, order_id).await? {
            if row.state == "queued" {
                let decision = send(db, app, connection, &row, now).await?;
                if matches!(decision, Decision::Expired { .. }) {
                    break;
                }
            }
        }
    }
    result(db, merchant_id, order_id).await
}

/// The order's calls as they stand.
pub async fn result(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
) -> ApiResult<PongoOrderResult> {
    let rows = rows_of(db, merchant_id, order_id).await?;
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, Locale::En).with_field("order_id"));
    }
    let calls: Vec<PongoCall> = rows.iter().map(OutboxRow::view).collect();
    Ok(PongoOrderResult {
        order_id: order_id.to_string(),
        points_earned: calls
            .iter()
            .filter(|c| c.state == DeliveryState::Sent && c.kind != PongoCallKind::CancelOrder)
            .map(|c| c.points_earned)
            .sum(),
        calls,
    })
}

/// An order is cancelled: parts not sent yet are withdrawn, parts sent get a cancellation,
/// and so do withdrawn parts whose earlier try may have landed (cancelled by their
/// `order_id`; Pongo's 404 then means there was nothing to take back). A checkin cannot be
/// taken back through Pongo's API [I]: it stays, and the admin status counts it.
pub async fn cancel_order(
    db: &D1Database,
    merchant_id: &str,
    order_id: &str,
    now: i64,
) -> ApiResult<()> {
    let rows = rows_of(db, merchant_id, order_id).await?;
    if rows.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, Locale::En).with_field("order_id"));
    }
    statement(
        db,
        "UPDATE pongo_outbox SET state = 'withdrawn' WHERE merchant_id = ?1 AND order_id = ?2 AND state = 'queued' AND kind IN ('order', 'checkin')",
        &[merchant_id.into(), order_id.into()],
    )?
    .run()
    .await
    .map_err(|e| internal("pongo outbox withdraw", e))?;
    let cancels: Vec<PlannedCall> = rows
        .iter()
        .filter(|r| {
            r.kind == "order" && (r.state == "sent" || (r.state == "queued" && r.maybe_landed != 0))
        })
        .map(|r| {
            crate::domain::pongo_orders::cancel_call(
                &r.call_key,
                r.pongo_id.as_deref().unwrap_or(&r.call_key),
            )
        })
        .collect();
    insert(db, merchant_id, order_id, &cancels, now).await
}

/// Due rows of connected merchants, oldest first.
pub async fn due(db: &D1Database, now: i64, limit: u32) -> ApiResult<Vec<OutboxRow>> {
    statement(
        db,
        "SELECT o.* FROM pongo_outbox o JOIN pongo_connections c ON c.merchant_id = o.merchant_id
         WHERE o.state = 'queued' AND o.next_attempt_at <= ?1 AND c.state = 'connected'
           AND (c.token_expires_at IS NULL OR c.token_expires_at > ?1)
         ORDER BY o.created_at LIMIT ?2",
        &[int(now), int(i64::from(limit))],
    )?
    .all()
    .await
    .and_then(|r| r.results())
    .map_err(|e| internal("pongo outbox due", e))
}

/// The merchant's calls refused, or tried and still waiting, newest first.
pub async fn needing_attention(
    db: &D1Database,
    merchant_id: &str,
) -> ApiResult<Vec<PongoCallAttention>> {
    let rows: Vec<OutboxRow> = statement(
        db,
        "SELECT * FROM pongo_outbox WHERE merchant_id = ?1 AND (state = 'failed' OR (state = 'queued' AND attempts > 0))
         ORDER BY created_at DESC, call_key LIMIT ?2",
        &[merchant_id.into(), int(i64::from(ATTENTION_LIMIT))],
    )?
    .all()
    .await
    .and_then(|r| r.results())
    .map_err(|e| internal("pongo outbox attention", e))?;
    Ok(rows
        .into_iter()
        .map(|row| PongoCallAttention {
            kind: kind_of(&row.kind),
            state: state_of(&row.state),
            attempts: u32::try_from(row.attempts.max(0)).unwrap_or(u32::MAX),
            order_id: row.order_id,
            key: row.call_key,
            last_error: row.last_error,
        })
        .collect())
}

/// Queued and failed counts for the admin view.
pub async fn counts(db: &D1Database, merchant_id: &str) -> ApiResult<(u32, u32)> {
    #[derive(Deserialize)]
    struct Counts {
        queued: Option<i64>,
        failed: Option<i64>,
    }
    let row: Option<Counts> = statement(
        db,
        "SELECT SUM(state = 'queued') AS queued, SUM(state = 'failed') AS failed FROM pongo_outbox WHERE merchant_id = ?1",
        &[merchant_id.into()],
    )?
    .first(None)
    .await
    .map_err(|e| internal("pongo outbox counts", e))?;
    let n = |v: Option<i64>| u32::try_from(v.unwrap_or(0).max(0)).unwrap_or(u32::MAX);
    Ok(row.map(|r| (n(r.queued), n(r.failed))).unwrap_or((0, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tried(attempts: i64, maybe_landed: bool) -> History {
        History {
            attempts,
            maybe_landed,
        }
    }

    #[test]
    fn a_202_or_201_is_sent_with_the_points_pongo_gave() {
        let created = Ok((201, json!({"data": {"id": "p1", "points_earned": 45}})));
        assert_eq!(
            decide(PongoCallKind::Order, tried(0, false), &created, 0),
            Decision::Sent {
                pongo_id: Some("p1".into()),
                points: 45
            }
        );
        let duplicate = Ok((
            202,
            json!({"message": "This order has already been processed.", "data": {"id": "p1"}}),
        ));
        assert_eq!(
            decide(PongoCallKind::Order, tried(3, false), &duplicate, 0),
            Decision::Sent {
                pongo_id: Some("p1".into()),
                points: 0
            }
        );
    }

    #[test]
    fn throttling_and_outages_retry_and_never_give_up() {
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &Err(PongoFailure::RetryAfter(7)),
                100
            ),
            Decision::Retry {
                at: 107,
                error: ErrorCode::RateLimited,
                may_have_landed: false
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &Err(PongoFailure::Unavailable),
                100
            ),
            Decision::Retry {
                at: 160,
                error: ErrorCode::UpstreamUnavailable,
                may_have_landed: true
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(2, false),
                &Err(PongoFailure::Unavailable),
                100
            ),
            Decision::Retry {
                at: 340,
                error: ErrorCode::UpstreamUnavailable,
                may_have_landed: true
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(50, false),
                &Err(PongoFailure::Unavailable),
                100
            ),
            Decision::Retry {
                at: 3700,
                error: ErrorCode::UpstreamUnavailable,
                may_have_landed: true
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &Err(PongoFailure::NotConnected),
                100
            ),
            Decision::Expired { at: 3700 }
        );
        // A missing scope, too, waits for the merchant to connect again.
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &Err(PongoFailure::Forbidden),
                100
            ),
            Decision::Expired { at: 3700 }
        );
    }

    #[test]
    fn refused_content_fails_except_a_retry_that_already_landed() {
        let invalid = |field: &str| {
            Err(PongoFailure::Invalid {
                field: Some(field.into()),
            })
        };
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &invalid("store_slug"),
                0
            ),
            Decision::Failed {
                error: ErrorCode::UpstreamRejected
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::Checkin,
                tried(0, false),
                &invalid("enforce_checkin_delay"),
                0
            ),
            Decision::Failed {
                error: ErrorCode::UpstreamRejected
            }
        );
        // After a try that may have landed, "already done" is the first try's success...
        let done = Decision::Sent {
            pongo_id: None,
            points: 0,
        };
        assert_eq!(
            decide(
                PongoCallKind::Checkin,
                tried(1, true),
                &invalid("enforce_checkin_delay"),
                0
            ),
            done
        );
        assert_eq!(
            decide(
                PongoCallKind::UseReward,
                tried(1, true),
                &invalid("reward"),
                0
            ),
            done
        );
        // ...but after clean refusals (throttled, say) it is a real refusal.
        let refused = Decision::Failed {
            error: ErrorCode::UpstreamRejected,
        };
        assert_eq!(
            decide(
                PongoCallKind::Checkin,
                tried(2, false),
                &invalid("enforce_checkin_delay"),
                0
            ),
            refused
        );
        assert_eq!(
            decide(
                PongoCallKind::UseReward,
                tried(1, false),
                &invalid("reward"),
                0
            ),
            refused
        );
        // A missing consent answer is named as such; a cancel of an order Pongo never
        // stored has nothing to take back.
        assert_eq!(
            decide(
                PongoCallKind::Order,
                tried(0, false),
                &invalid("customer.sms_optin"),
                0
            ),
            Decision::Failed {
                error: ErrorCode::OptinRequired
            }
        );
        assert_eq!(
            decide(
                PongoCallKind::CancelOrder,
                tried(0, false),
                &Err(PongoFailure::NotFound),
                0
            ),
            done
        );
        assert_eq!(
            decide(
                PongoCallKind::UseReward,
                tried(0, false),
                &invalid("reward"),
                0
            ),
            Decision::Failed {
                error: ErrorCode::UpstreamRejected
            }
        );
    }

    #[test]
    fn a_replay_is_recognised_despite_its_new_timestamp() {
        let a = json!({"order_id": "o", "amount": 1, "created_at": "2026-01-01T00:00:00+00:00"});
        let b = json!({"order_id": "o", "amount": 1, "created_at": "2026-01-01T00:00:09+00:00"});
        let c = json!({"order_id": "o", "amount": 2, "created_at": "2026-01-01T00:00:00+00:00"});
        assert_eq!(content(&a), content(&b));
        assert_ne!(content(&a), content(&c));
    }
}
