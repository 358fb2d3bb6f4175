//! What a try of a Pongo call means for its outbox row: sent, retried later, waiting for a
//! reconnect, or refused for good. Plain code, so every Pongo answer is tested natively.

use crate::pongo::errors::PongoFailure;
use loyalty_shared::api::PongoCallKind;
use loyalty_shared::ErrorCode;
use serde_json::Value;

/// While the merchant's token is refused, try again this often (a reconnect wakes the
/// rows at once).
const EXPIRED_RETRY_SECONDS: i64 = 3600;

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

/// Pongo took the call: its id and the points it gave, as its answer names them.
fn sent(body: &Value) -> Decision {
    let data = body.get("data").unwrap_or(&Value::Null);
    Decision::Sent {
        pongo_id: data.get("id").and_then(Value::as_str).map(str::to_string),
        points: data
            .get("points_earned")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    }
}

/// Decides after a try.
pub fn decide(
    kind: PongoCallKind,
    history: History,
    outcome: &Result<(u16, Value), PongoFailure>,
    now: i64,
) -> Decision {
    match outcome {
        Ok((_, body)) => sent(body),
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
pub fn content(payload: &Value) -> Value {
    let mut v = payload.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("created_at");
        map.remove("datetime");
    }
    v
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
        let retry = |at, error, may_have_landed| Decision::Retry {
            at,
            error,
            may_have_landed,
        };
        let (throttled, down) = (ErrorCode::RateLimited, ErrorCode::UpstreamUnavailable);
        let cases = [
            // A 429 is a clean refusal, retried when Pongo says.
            (0, PongoFailure::RetryAfter(7), retry(107, throttled, false)),
            // An outage backs off 1, 4 ... minutes, at most an hour, and may have landed.
            (0, PongoFailure::Unavailable, retry(160, down, true)),
            (2, PongoFailure::Unavailable, retry(340, down, true)),
            (50, PongoFailure::Unavailable, retry(3700, down, true)),
            // A refused token, or a missing scope, waits for the merchant to connect again.
            (
                0,
                PongoFailure::NotConnected,
                Decision::Expired { at: 3700 },
            ),
            (0, PongoFailure::Forbidden, Decision::Expired { at: 3700 }),
        ];
        for (attempts, failure, expected) in cases {
            let history = tried(attempts, false);
            let decision = decide(PongoCallKind::Order, history, &Err(failure.clone()), 100);
            assert_eq!(decision, expected, "{failure:?} after {attempts} tries");
        }
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
