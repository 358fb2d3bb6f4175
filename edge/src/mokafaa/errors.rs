//! Mokafaa's answers mapped to our stable error codes. Raw bank text never reaches a shopper.

use super::wire::Envelope;
use loyalty_shared::ErrorCode;

/// What a failed bank call means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankFailure {
    /// The bank answered with a business error: it did not do what was asked.
    Refused(ErrorCode),
    /// The gateway refused our access token: refresh it and try once more.
    TokenRejected,
    /// No usable answer (timeout, 5xx, dropped connection, unreadable body): the call may or
    /// may not have happened at the bank. Redemptions in this state are reconciled, never retried.
    Unknown,
}

/// Maps an HTTP status and body to a failure. Only called for non-success answers.
pub fn classify(http_status: u16, body: &str) -> BankFailure {
    let envelope: Envelope = serde_json::from_slice(body.as_bytes()).unwrap_or_default();
    if envelope.http_code == Some(401) || (http_status == 401 && envelope.error_code.is_none()) {
        return BankFailure::TokenRejected;
    }
    if let Some(code) = envelope.error_code {
        return BankFailure::Refused(business_code(
            code,
            envelope.message.as_deref().unwrap_or(""),
        ));
    }
    match http_status {
        // "Validation Failed" without a code: the request was refused as a whole.
        400 | 404 | 409 | 422 => BankFailure::Refused(ErrorCode::UpstreamRejected),
        _ => BankFailure::Unknown,
    }
}

/// The documented business codes [S] and the "amount too large" messages.
pub fn business_code(code: i64, message: &str) -> ErrorCode {
    // The code's own meaning first: a wrong OTP stays a wrong OTP whatever its text says
    // (it is what the guess budget counts).
    match code {
        301 => return ErrorCode::OtpInvalid,
        303 | 401 => return ErrorCode::OtpExpired,
        _ => {}
    }
    let lower = message.to_ascii_lowercase();
    if ["exceed", "maximum", "greater than"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return ErrorCode::AmountOverLimit;
    }
    match code {
        204 | 205 => ErrorCode::BalanceInsufficient,
        209 => ErrorCode::CustomerNotFound,
        210 => ErrorCode::ResendTooEarly,
        301 => ErrorCode::OtpInvalid,
        303 | 401 => ErrorCode::OtpExpired,
        // 101 validation, 206 store invalid, 207 duplicate mobile, 304 transaction failed:
        // nothing the shopper can fix by retyping.
        _ => ErrorCode::UpstreamRejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_maps() {
        let cases = [
            (101, ErrorCode::UpstreamRejected),
            (204, ErrorCode::BalanceInsufficient),
            (205, ErrorCode::BalanceInsufficient),
            (206, ErrorCode::UpstreamRejected),
            (207, ErrorCode::UpstreamRejected),
            (209, ErrorCode::CustomerNotFound),
            (210, ErrorCode::ResendTooEarly),
            (301, ErrorCode::OtpInvalid),
            (303, ErrorCode::OtpExpired),
            (304, ErrorCode::UpstreamRejected),
            (401, ErrorCode::OtpExpired),
        ];
        for (code, expected) in cases {
            let body =
                format!(r#"{{"message":"X","status":400,"requestID":"r","errorCode":{code}}}"#);
            assert_eq!(
                classify(400, &body),
                BankFailure::Refused(expected),
                "{code}"
            );
        }
        assert_eq!(
            classify(
                400,
                r#"{"message":"Amount exceeds the limit","status":"400","errorCode":"101"}"#
            ),
            BankFailure::Refused(ErrorCode::AmountOverLimit)
        );
    }

    #[test]
    fn gateway_and_transport_failures() {
        assert_eq!(
            classify(
                401,
                r#"{"httpCode":"401","httpMessage":"Unauthorized","moreInformation":"x"}"#
            ),
            BankFailure::TokenRejected
        );
        assert_eq!(
            classify(503, "upstream connect error"),
            BankFailure::Unknown
        );
        assert_eq!(classify(502, ""), BankFailure::Unknown);
        assert_eq!(
            classify(
                400,
                r#"{"message":"Validation Failed","status":400,"requestID":"r"}"#
            ),
            BankFailure::Refused(ErrorCode::UpstreamRejected)
        );
    }
}
