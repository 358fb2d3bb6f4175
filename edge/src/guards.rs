//! Who may call a route, as types. The route table names each route's audience and runs
//! its guard before the handler; a handler takes the guard's value, so it cannot be
//! registered for another audience, and no handler checks a caller by itself.

use crate::cors;
use crate::http::{bearer, parse_json, ApiResult};
use crate::merchant::{self, Merchant};
use crate::pongo::connection::{self, PongoApp};
use crate::routes::call::Call;
use crate::secure::sha256_hex;
use crate::store::merchant_requests;
use crate::store::pongo_connections::ConnectionRow;
use crate::store::redemptions::RedemptionRow;
use crate::store::sessions::{self, Session};
use loyalty_shared::signature::{
    timestamp_of, verify, PayloadLayout, SignatureError, DEFAULT_TOLERANCE_SECONDS,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{D1PreparedStatement, D1Result};

mod console;
pub use console::*;

/// The header merchant servers sign with.
pub const SIGNATURE_HEADER: &str = "Loyalty-Signature";

/// The header Pongo signs deliveries with [S].
pub const WEBHOOK_SIGNATURE_HEADER: &str = "Pongo-Signature";

/// A widget route's caller: a live session bearer, used from the storefront origin the
/// session was opened on (a token taken to another site does not work there).
/// The session, its merchant and the merchant's Pongo connection are read in one round trip.
pub struct WidgetCaller {
    pub session: Session,
    pub merchant: Merchant,
    /// Still sealed: only the Pongo routes open it.
    pub pongo: Option<ConnectionRow>,
    /// The storefront origin, checked against the session's: the answer's CORS grant.
    pub origin: Option<String>,
}

pub async fn widget_caller(call: &Call) -> ApiResult<WidgetCaller> {
    let (caller, _) = checked_caller(call, Vec::new()).await?;
    Ok(caller)
}

/// The caller and the results of `extra`, read in one batch, the session's origin checked.
async fn checked_caller(
    call: &Call,
    extra: Vec<D1PreparedStatement>,
) -> ApiResult<(WidgetCaller, Vec<D1Result>)> {
    let token = bearer(&call.req);
    let (authenticated, own) =
        sessions::authenticate_with(&call.db, token, call.now, call.locale, extra).await?;
    let sessions::Authenticated {
        session,
        merchant,
        pongo,
    } = authenticated;
    let origin = cors::origin(&call.req);
    if let Some(origin) = &origin {
        if session.origin.as_deref() != Some(origin.as_str()) {
            return Err(ApiError::new(ErrorCode::OriginNotAllowed, session.locale()));
        }
    }
    let merchant = merchant::from_row(&call.env, merchant, session.locale())?;
    let caller = WidgetCaller {
        session,
        merchant,
        pongo,
        origin,
    };
    Ok((caller, own))
}

/// A widget route whose own first reads (and rate-limit counts) go in the caller's batch:
/// the session, its merchant and connection, and the handler's statements in one round
/// trip. [`WidgetGate::open`] is the guard; a handler cannot reach the session without it.
pub struct WidgetGate(());

impl WidgetGate {
    /// The gate for one call (the route table makes it).
    pub fn new(_call: &Call) -> WidgetGate {
        WidgetGate(())
    }

    /// The session row's key for the handler's statements (`... WHERE token_hash = ?`).
    pub fn token_hash(call: &Call) -> String {
        sessions::token_hash(&bearer(&call.req).unwrap_or_default())
    }

    /// For input the handler could not read: the caller is still checked first, so a bad
    /// token or origin answers before the bad input does (as on every widget route).
    pub async fn refuse(self, call: &Call, input: ApiError) -> ApiError {
        match self.open(call, Vec::new()).await {
            Err(caller) => caller,
            Ok(_) => input,
        }
    }

    /// Checks the caller as [`widget_caller`] does and runs `extra` in the same batch.
    pub async fn open(
        self,
        call: &Call,
        extra: Vec<D1PreparedStatement>,
    ) -> ApiResult<(WidgetCaller, Vec<D1Result>)> {
        let (caller, own) = checked_caller(call, extra).await?;
        // Every answer from here on, an error too, goes back to the session's storefront.
        *call.granted.borrow_mut() = caller.origin.clone();
        Ok((caller, own))
    }
}

/// A merchant server's request: `Loyalty-Signature: t=<unix>,v1=<hex>` over `"{t}.{body}"`
/// with the merchant's API secret, within 5 minutes, each signed request once; the body
/// parsed as the route's request type.
pub struct SignedMerchant<T> {
    pub merchant: Merchant,
    pub body: T,
    /// The redemption the body names (`redemption_id`), read in the guard's round trip;
    /// `None` when it names none, or one of another merchant.
    pub redemption: Option<RedemptionRow>,
}

/// The header's `t`, once its shape and freshness hold (before any secret is read, so a
/// malformed or stale header writes nothing).
fn fresh_timestamp(header: Option<&str>, bytes: &[u8], now: i64) -> Result<i64, SignatureError> {
    let layout = PayloadLayout::TimestampDotBody;
    match verify(b"", header, bytes, now, DEFAULT_TOLERANCE_SECONDS, layout) {
        Err(e @ (SignatureError::Missing | SignatureError::Malformed | SignatureError::Stale)) => {
            Err(e)
        }
        _ => header
            .and_then(timestamp_of)
            .ok_or(SignatureError::Malformed),
    }
}

/// Who a merchant request says it is from, read before its signature is checked.
#[derive(Deserialize)]
struct Who {
    merchant_id: String,
    /// Read leniently: a wrong type is the body's error to report, after the signature.
    #[serde(default)]
    redemption_id: Option<serde_json::Value>,
}

/// Every failure of the signature is the same `bad_signature` to the caller (the log says
/// which); a request already seen is `signature_replayed`.
pub async fn signed_merchant<T: DeserializeOwned>(call: &mut Call) -> ApiResult<SignedMerchant<T>> {
    let locale = Locale::En;
    let bytes = call.bytes(locale).await?;
    let who: Who = parse_json(&bytes, locale)?;
    let bad = || ApiError::new(ErrorCode::BadSignature, locale);
    let header = call.req.headers().get(SIGNATURE_HEADER).ok().flatten();
    let refused = |e: &dyn std::fmt::Display| {
        worker::console_warn!("merchant {}: signature refused: {e}", who.merchant_id);
        bad()
    };
    let signed_at =
        fresh_timestamp(header.as_deref(), &bytes, call.now).map_err(|e| refused(&e))?;
    // The record is what the signature vouches for (timestamp and body), not the header's
    // text, so the same request re-spelled (order, spaces, hex case, extra v1) is a replay.
    let signed_request = format!("{signed_at}.{}", sha256_hex(&bytes));
    let names = who.redemption_id.as_ref().and_then(|v| v.as_str());
    let (fresh, row, redemption) = merchant_requests::record_once(
        &call.db,
        &who.merchant_id,
        &signed_request,
        names,
        call.now,
    )
    .await?;
    // The secrets (sealed in D1) came with the merchant's row: checked now. A request that
    // does not verify takes its record back, so a forger cannot spend a real request's.
    let merchant = merchant::from_row(&call.env, row, locale).map_err(|_| bad())?;
    let layout = PayloadLayout::TimestampDotBody;
    let verified = merchant.api_secrets(call.now).any(|secret| {
        let (header, now) = (header.as_deref(), call.now);
        verify(
            secret.as_bytes(),
            header,
            &bytes,
            now,
            DEFAULT_TOLERANCE_SECONDS,
            layout,
        )
        .is_ok()
    });
    if !verified {
        if fresh {
            merchant_requests::forget(&call.db, &who.merchant_id, &signed_request).await?;
        }
        return Err(refused(&"no secret of this merchant verifies it"));
    }
    if !fresh {
        // Told apart from a wrong signature: the caller only has to sign a repeat anew.
        return Err(ApiError::new(ErrorCode::SignatureReplayed, locale));
    }
    let body = parse_json(&bytes, locale)?;
    let redemption = redemption.filter(|r| r.merchant_id == merchant.id);
    Ok(SignedMerchant {
        merchant,
        body,
        redemption,
    })
}

/// A webhook from Pongo for `:merchant_id`, signed `t=..,v1=..` over body then timestamp
/// with that merchant's subscription secret.
pub struct PongoWebhook {
    pub merchant_id: String,
    pub body: Vec<u8>,
    pub signed_at: i64,
}

pub async fn pongo_webhook(call: &mut Call) -> ApiResult<PongoWebhook> {
    let locale = Locale::En;
    let merchant_id = call.param("merchant_id");
    let bad = || ApiError::new(ErrorCode::BadSignature, locale);
    let body = call.bytes(locale).await?;
    let header = call
        .req
        .headers()
        .get(WEBHOOK_SIGNATURE_HEADER)
        .ok()
        .flatten();
    let app = PongoApp::from_env(&call.env)?;
    // An unknown merchant, or one without a subscription, has no secret: refused alike.
    let secret = connection::load(&call.db, &app, &merchant_id)
        .await?
        .and_then(|c| c.webhook_secret)
        .ok_or_else(bad)?;
    let signed_at = verify(
        secret.as_bytes(),
        header.as_deref(),
        &body,
        call.now,
        DEFAULT_TOLERANCE_SECONDS,
        PayloadLayout::BodyThenTimestamp,
    )
    .map_err(|e| {
        worker::console_warn!("merchant {merchant_id}: Pongo webhook refused: {e}");
        bad()
    })?;
    Ok(PongoWebhook {
        merchant_id,
        body,
        signed_at,
    })
}
