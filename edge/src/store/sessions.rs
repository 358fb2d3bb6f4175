//! Checkout sessions: one per cart view, authenticated by a random bearer token of which
//! only the SHA-256 is stored.

use super::Db;
use super::{first, int, run, statement};
use crate::http::{internal, ApiResult};
use crate::secure::{random_hex, sha256_hex};
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, Money};
use serde::Deserialize;

/// How long a widget's session token lives.
pub const SESSION_TTL_SECONDS: i64 = 30 * 60;

#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub id: String,
    pub merchant_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub locale: String,
    pub origin: Option<String>,
    pub expires_at: i64,
    /// The Pongo member enlisted in this session (international digits).
    #[serde(default)]
    pub pongo_phone: Option<String>,
    /// 1 when this session proved the member's phone (or created the member).
    #[serde(default)]
    pub pongo_verified: i64,
    /// The answers given for an existing member, applied once the phone is proved (JSON).
    #[serde(default)]
    pub pongo_answers: Option<String>,
}

impl Session {
    pub fn amount(&self) -> Money {
        Money {
            minor: self.amount_minor.max(0) as u64,
            currency: self.currency.parse().unwrap_or(Currency::Sar),
        }
    }

    pub fn locale(&self) -> Locale {
        Locale::from_tag(&self.locale)
    }
}

pub struct NewSession<'a> {
    pub merchant_id: &'a str,
    pub cart_id: &'a str,
    pub amount: Money,
    pub locale: Locale,
    pub origin: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// Creates a session and returns it with its bearer token (shown once, never stored).
pub async fn create(db: &Db, new: NewSession<'_>, now: i64) -> ApiResult<(Session, String)> {
    let id = random_hex(16).map_err(|e| internal("random", e))?;
    let token = random_hex(32).map_err(|e| internal("random", e))?;
    let expires_at = now + SESSION_TTL_SECONDS;
    db.execute(statement(
        db,
        "INSERT INTO sessions (id, token_hash, merchant_id, cart_id, amount_minor, currency, locale, origin, created_at, expires_at, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            id.as_str().into(),
            sha256_hex(token.as_bytes()).into(),
            new.merchant_id.into(),
            new.cart_id.into(),
            int(new.amount.minor as i64),
            new.amount.currency.code().into(),
            new.locale.tag().into(),
            new.origin.map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
            int(now),
            int(expires_at),
            new.email.map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
        ],
    )?)
    .await
    .map_err(|e| internal("session insert", e))?;
    let session = Session {
        id,
        merchant_id: new.merchant_id.to_string(),
        amount_minor: new.amount.minor as i64,
        currency: new.amount.currency.code().to_string(),
        locale: new.locale.tag().to_string(),
        origin: new.origin.map(str::to_string),
        expires_at,
        pongo_phone: None,
        pongo_verified: 0,
        pongo_answers: None,
    };
    Ok((session, token))
}

/// The session a bearer token belongs to, if it is still valid.
pub async fn authenticate(
    db: &Db,
    token: Option<String>,
    now: i64,
    locale: Locale,
) -> ApiResult<Session> {
    let token = token.ok_or_else(|| ApiError::new(ErrorCode::SessionInvalid, locale))?;
    let session: Option<Session> = first(db, "SELECT id, merchant_id, amount_minor, currency, locale, origin, expires_at, pongo_phone, pongo_verified, pongo_answers FROM sessions WHERE token_hash = ?1",
        &[sha256_hex(token.as_bytes()).into()], "session query").await?;
    let session = session.ok_or_else(|| ApiError::new(ErrorCode::SessionInvalid, locale))?;
    if now >= session.expires_at {
        return Err(ApiError::new(ErrorCode::SessionExpired, session.locale()));
    }
    Ok(session)
}

/// The cart total changed: pending challenges for the old amount stop working.
pub async fn update_amount(db: &Db, session_id: &str, amount: Money) -> ApiResult<()> {
    run(
        db,
        "UPDATE sessions SET amount_minor = ?1, currency = ?2 WHERE id = ?3",
        &[
            int(amount.minor as i64),
            amount.currency.code().into(),
            session_id.into(),
        ],
        "session update",
    )
    .await?;
    Ok(())
}

/// Remembers the Pongo member enlisted in this session, so the paid order credits them.
/// `verified`: the session proved the phone (or created the member); else the consent
/// answers are not sent with orders (they are the member's, not the typist's) and wait in
/// `answers` until the phone is proved.
pub async fn set_pongo_member(
    db: &Db,
    session_id: &str,
    customer: &loyalty_shared::api::OrderCustomer,
    verified: bool,
    answers: Option<&str>,
) -> ApiResult<()> {
    let flag = |v: Option<bool>| {
        v.filter(|_| verified)
            .map(|b| int(i64::from(b)))
            .unwrap_or(wasm_bindgen::JsValue::NULL)
    };
    run(
        db,
        "UPDATE sessions SET pongo_phone = ?1, pongo_email_optin = ?2, pongo_sms_optin = ?3,
             pongo_verified = ?4, pongo_answers = ?5 WHERE id = ?6",
        &[
            customer.phone.as_str().into(),
            flag(customer.email_optin),
            flag(customer.sms_optin),
            int(i64::from(verified)),
            answers
                .map(Into::into)
                .unwrap_or(wasm_bindgen::JsValue::NULL),
            session_id.into(),
        ],
        "session pongo member",
    )
    .await?;
    Ok(())
}

/// The Pongo members enlisted in the widget for this cart, one per phone, newest first.
/// More than one means two shoppers (or one shopper and someone who typed the cart id)
/// joined on it: the caller must not pick one silently.
pub async fn pongo_members_for_cart(
    db: &Db,
    merchant_id: &str,
    cart_id: &str,
) -> ApiResult<Vec<loyalty_shared::api::OrderCustomer>> {
    #[derive(Deserialize)]
    struct Member {
        pongo_phone: String,
        pongo_email_optin: Option<i64>,
        pongo_sms_optin: Option<i64>,
    }
    let rows: Vec<Member> = db.all_rows(statement(
        db,
        "SELECT pongo_phone, pongo_email_optin, pongo_sms_optin FROM sessions
         WHERE merchant_id = ?1 AND cart_id = ?2 AND pongo_phone IS NOT NULL ORDER BY created_at DESC LIMIT 20",
        &[merchant_id.into(), cart_id.into()],
    )?)
    .await
    .map_err(|e| internal("session pongo member", e))?
    .results()
    .map_err(|e| internal("session pongo member", e))?;
    let mut members: Vec<loyalty_shared::api::OrderCustomer> = Vec::new();
    for m in rows {
        if members.iter().all(|known| known.phone != m.pongo_phone) {
            members.push(loyalty_shared::api::OrderCustomer {
                phone: m.pongo_phone,
                email_optin: m.pongo_email_optin.map(|v| v != 0),
                sms_optin: m.pongo_sms_optin.map(|v| v != 0),
            });
        }
    }
    Ok(members)
}
