//! Pongo's answers mapped to what the edge does next. Raw upstream text never reaches a shopper.

use super::wire::ValidationError;
use loyalty_shared::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PongoFailure {
    /// 422: Pongo refused the content; retrying the same content cannot help. The first
    /// field at fault is kept for the merchant's logs.
    Invalid {
        field: Option<String>,
    },
    /// 401: the merchant's token expired or was revoked; the merchant must reconnect. Work
    /// waits in the outbox meanwhile.
    NotConnected,
    /// 403: the token lacks a scope.
    Forbidden,
    NotFound,
    /// 429: retry after this many seconds.
    RetryAfter(u32),
    /// 5xx, timeout, dropped connection: retry with backoff; Pongo's `order_id` idempotency
    /// makes a retry of a delivered order a 202, not a second order.
    Unavailable,
}

impl PongoFailure {
    /// The stable code a caller sees.
    pub fn code(&self) -> ErrorCode {
        match self {
            // A consent answer Pongo needed (a new customer on an order without both
            // opt-ins): the same code the widget uses, so the merchant knows what to send.
            PongoFailure::Invalid { field: Some(field) } if field.contains("optin") => {
                ErrorCode::OptinRequired
            }
            PongoFailure::Invalid { .. } => ErrorCode::UpstreamRejected,
            PongoFailure::NotConnected | PongoFailure::Forbidden => ErrorCode::PongoNotConnected,
            PongoFailure::NotFound => ErrorCode::CustomerNotFound,
            PongoFailure::RetryAfter(_) => ErrorCode::RateLimited,
            PongoFailure::Unavailable => ErrorCode::UpstreamUnavailable,
        }
    }

    /// The token was refused (expired, revoked) or lacks a scope: only the merchant can
    /// fix it, by connecting again; until then calls wait.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, PongoFailure::NotConnected | PongoFailure::Forbidden)
    }

    /// Whether sending the same request again later may succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            PongoFailure::RetryAfter(_)
                | PongoFailure::Unavailable
                | PongoFailure::NotConnected
                | PongoFailure::Forbidden
        )
    }
}

/// Maps a non-success status (with `Retry-After` when present) and body.
pub fn classify(status: u16, retry_after: Option<&str>, body: &str) -> PongoFailure {
    match status {
        422 => {
            let parsed: ValidationError =
                serde_json::from_slice(body.as_bytes()).unwrap_or_default();
            PongoFailure::Invalid {
                field: parsed.errors.keys().next().cloned(),
            }
        }
        401 => PongoFailure::NotConnected,
        403 => PongoFailure::Forbidden,
        404 => PongoFailure::NotFound,
        429 => PongoFailure::RetryAfter(
            retry_after
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(60),
        ),
        _ => PongoFailure::Unavailable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_each_status() {
        assert_eq!(
            classify(
                422,
                None,
                r#"{"message":"x","errors":{"sms_optin":["required"]}}"#
            ),
            PongoFailure::Invalid {
                field: Some("sms_optin".into())
            }
        );
        assert_eq!(classify(429, Some("7"), ""), PongoFailure::RetryAfter(7));
        assert_eq!(classify(429, None, ""), PongoFailure::RetryAfter(60));
        assert_eq!(
            classify(401, None, r#"{"message":"Unauthenticated."}"#),
            PongoFailure::NotConnected
        );
        assert_eq!(classify(503, None, "down"), PongoFailure::Unavailable);
        assert!(classify(503, None, "").retryable() && !classify(422, None, "{}").retryable());
        assert_eq!(classify(404, None, "").code(), ErrorCode::CustomerNotFound);
    }
}
