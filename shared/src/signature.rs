//! HMAC-SHA256 request signatures in the `t=<unix>,v1=<hex>` header form.
//!
//! Merchant servers sign `"{t}.{body}"` (Stripe's layout); Pongo signs `body + t`. Both are
//! one mechanism with a different payload layout, so both ends of both flows share it.

use core::fmt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Default freshness window for a signature: five minutes either way.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// How the signed bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadLayout {
    /// `"{t}.{body}"`: our merchant-server API and the edge's receipts.
    TimestampDotBody,
    /// `body` then `t`: Pongo's webhook deliveries.
    BodyThenTimestamp,
}

/// Why a signature was refused. All map to `bad_signature` on the wire; the variants
/// are for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    Stale,
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::Missing => "the signature header is missing",
            SignatureError::Malformed => "the signature header is not t=<unix>,v1=<hex>",
            SignatureError::Stale => "the signature timestamp is outside the allowed window",
            SignatureError::Mismatch => "the signature does not match the body",
        })
    }
}

impl std::error::Error for SignatureError {}

fn mac(secret: &[u8], timestamp: i64, body: &[u8], layout: PayloadLayout) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    let t = timestamp.to_string();
    match layout {
        PayloadLayout::TimestampDotBody => {
            mac.update(t.as_bytes());
            mac.update(b".");
            mac.update(body);
        }
        PayloadLayout::BodyThenTimestamp => {
            mac.update(body);
            mac.update(t.as_bytes());
        }
    }
    mac
}

/// The header value for `body` signed at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8], layout: PayloadLayout) -> String {
    let tag = mac(secret, timestamp, body, layout).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// The `t=` a well-formed header names, unchecked: the key of its replay record, taken
/// before the secret that checks it is read.
pub fn timestamp_of(header: &str) -> Option<i64> {
    header
        .split(',')
        .find_map(|part| part.trim().strip_prefix("t="))
        .and_then(|t| t.parse().ok())
}

/// Checks a header against `body`: fresh within `tolerance_seconds` of `now`, and one of
/// its `v1` values equal to ours in constant time (several `v1` allow secret rotation).
/// Returns the signed timestamp, which callers use to refuse replays.
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
    layout: PayloadLayout,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp: Option<i64> = None;
    let mut candidates: Vec<[u8; 32]> = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::Malformed);
                }
                timestamp = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "v1" => {
                let mut tag = [0u8; 32];
                hex::decode_to_slice(value, &mut tag).map_err(|_| SignatureError::Malformed)?;
                candidates.push(tag);
            }
            // Unknown schemes are ignored, so a future v2 does not break old verifiers.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance_seconds.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body, layout).finalize().into_bytes();
    let mut matched = subtle::Choice::from(0u8);
    for candidate in &candidates {
        matched |= candidate.ct_eq(expected.as_slice());
    }
    if bool::from(matched) {
        Ok(timestamp)
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"whsec_test";
    const NOW: i64 = 1_700_000_000;
    const L: PayloadLayout = PayloadLayout::TimestampDotBody;

    #[test]
    fn signed_body_verifies_and_tampering_does_not() {
        let body = br#"{"order_id":"1001"}"#;
        let header = sign(SECRET, NOW, body, L);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            verify(SECRET, Some(&header), body, NOW + 10, 300, L),
            Ok(NOW)
        );
        assert_eq!(
            verify(
                SECRET,
                Some(&header),
                br#"{"order_id":"1002"}"#,
                NOW,
                300,
                L
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), body, NOW, 300, L),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                SECRET,
                Some(&header),
                body,
                NOW,
                300,
                PayloadLayout::BodyThenTimestamp
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn stale_missing_and_malformed_headers() {
        let body = b"{}";
        let header = sign(SECRET, NOW, body, L);
        assert_eq!(
            verify(SECRET, Some(&header), body, NOW + 301, 300, L),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, Some(&header), body, NOW - 301, 300, L),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, None, body, NOW, 300, L),
            Err(SignatureError::Missing)
        );
        for bad in [
            "",
            "t=1",
            "v1=00",
            "t=x,v1=00",
            "t=1,v1=zz",
            "garbage",
            "t=1,t=2,v1=00",
        ] {
            assert_eq!(
                verify(SECRET, Some(bad), body, NOW, 300, L),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let body = b"{}";
        let good = sign(SECRET, NOW, body, L);
        let tag = good.split("v1=").nth(1).unwrap();
        let rotated = format!("t={NOW},v1={},v1={tag}", "00".repeat(32));
        assert_eq!(verify(SECRET, Some(&rotated), body, NOW, 300, L), Ok(NOW));
    }

    proptest! {
        #[test]
        fn any_header_is_a_typed_error_or_ok(h in "\\PC{0,120}", body in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = verify(SECRET, Some(&h), &body, NOW, 300, L);
        }

        #[test]
        fn round_trip_for_any_body(body in proptest::collection::vec(any::<u8>(), 0..256), t in 0i64..4_000_000_000) {
            for layout in [PayloadLayout::TimestampDotBody, PayloadLayout::BodyThenTimestamp] {
                let header = sign(SECRET, t, &body, layout);
                prop_assert_eq!(verify(SECRET, Some(&header), &body, t, 300, layout), Ok(t));
            }
        }
    }
}
