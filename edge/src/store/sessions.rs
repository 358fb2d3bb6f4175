//! Checkout sessions: one per cart view, authenticated by a random bearer token of which
//! only the SHA-256 is stored.

use super::pongo_connections::ConnectionRow;
use super::Db;
use super::{changes, first_of, int, run, statement};
use crate::http::{internal, ApiResult};
use crate::secure::{random_hex, sha256_hex};
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, Money};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{D1PreparedStatement, D1Result};

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

/// What starting a session read and wrote in its one round trip.
pub struct Opened<M> {
    pub merchant: Option<M>,
    pub pongo: Option<ConnectionRow>,
    /// The session and its bearer token (shown once, never stored); `None` when the
    /// merchant does not exist or does not allow the origin, so nothing was written.
    pub session: Option<(Session, String)>,
}

/// Reads the merchant and its Pongo connection and creates the session, in one round trip:
/// the insert itself checks the origin against the merchant's allowed origins.
pub async fn open<M: DeserializeOwned>(
    db: &Db,
    new: NewSession<'_>,
    now: i64,
) -> ApiResult<Opened<M>> {
    let id = random_hex(16).map_err(|e| internal("random", e))?;
    let token = random_hex(32).map_err(|e| internal("random", e))?;
    let expires_at = now + SESSION_TTL_SECONDS;
    let insert = statement(
        db,
        "INSERT INTO sessions (id, token_hash, merchant_id, cart_id, amount_minor, currency, locale, origin, created_at, expires_at, email)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
         WHERE EXISTS (SELECT 1 FROM merchants, json_each(merchants.allowed_origins)
                       WHERE merchants.id = ?3 AND json_each.value = ?8)",
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
    )?;
    let merchant = super::merchants::by_id(db, new.merchant_id)?;
    let pongo = super::pongo_connections::by_merchant(db, new.merchant_id)?;
    let results = db
        .batch(vec![merchant, pongo, insert])
        .await
        .map_err(|e| internal("session insert", e))?;
    let created = results.get(2).map(changes) == Some(1);
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
    Ok(Opened {
        merchant: first_of(&results, 0, "merchant row")?,
        pongo: first_of(&results, 1, "pongo connection row")?,
        session: created.then_some((session, token)),
    })
}

/// A widget call's caller as one round trip reads it: the session of the bearer token,
/// its merchant's row and that merchant's Pongo connection.
pub struct Authenticated<M> {
    pub session: Session,
    pub merchant: Option<M>,
    pub pongo: Option<ConnectionRow>,
}

/// The bearer token's hash, as the session row keeps it: a call's own statements find the
/// session through it, in the same batch as the session itself.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// The caller, with the call's own first statements in the same round trip (their
/// results, in order, beside it). A missing token or session is `session_invalid`; a past
/// one `session_expired`.
pub async fn authenticate_with<M: DeserializeOwned>(
    db: &Db,
    token: Option<String>,
    now: i64,
    locale: Locale,
    extra: Vec<D1PreparedStatement>,
) -> ApiResult<(Authenticated<M>, Vec<D1Result>)> {
    let token = token.ok_or_else(|| ApiError::new(ErrorCode::SessionInvalid, locale))?;
    let hash: wasm_bindgen::JsValue = token_hash(&token).into();
    let session = statement(db, "SELECT id, merchant_id, amount_minor, currency, locale, origin, expires_at, pongo_phone, pongo_verified, pongo_answers FROM sessions WHERE token_hash = ?1", std::slice::from_ref(&hash))?;
    let merchant = super::merchants::of_session(db, &hash)?;
    let pongo = super::pongo_connections::of_session(db, &hash)?;
    let mut batch = vec![session, merchant, pongo];
    batch.extend(extra);
    let mut results = db
        .batch(batch)
        .await
        .map_err(|e| internal("session query", e))?;
    let session: Session = first_of(&results, 0, "session row")?
        .ok_or_else(|| ApiError::new(ErrorCode::SessionInvalid, locale))?;
    if now >= session.expires_at {
        return Err(ApiError::new(ErrorCode::SessionExpired, session.locale()));
    }
    let caller = Authenticated {
        session,
        merchant: first_of(&results, 1, "merchant row")?,
        pongo: first_of(&results, 2, "pongo connection row")?,
    };
    let own = results.split_off(3.min(results.len()));
    Ok((caller, own))
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
    let member = pongo_member_statement(db, session_id, customer, verified, answers)?;
    db.execute(member)
        .await
        .map(drop)
        .map_err(|e| internal("session pongo member", e))
}

/// [`set_pongo_member`] as a statement, to batch with other writes. The number is also
/// kept as its SHA-256 (`pongo_phone_key`): the code check counts its guesses by it.
pub fn pongo_member_statement(
    db: &Db,
    session_id: &str,
    customer: &loyalty_shared::api::OrderCustomer,
    verified: bool,
    answers: Option<&str>,
) -> ApiResult<D1PreparedStatement> {
    let flag = |v: Option<bool>| {
        v.filter(|_| verified)
            .map(|b| int(i64::from(b)))
            .unwrap_or(wasm_bindgen::JsValue::NULL)
    };
    statement(
        db,
        "UPDATE sessions SET pongo_phone = ?1, pongo_email_optin = ?2, pongo_sms_optin = ?3,
             pongo_verified = ?4, pongo_answers = ?5, pongo_phone_key = ?7 WHERE id = ?6",
        &[
            customer.phone.as_str().into(),
            flag(customer.email_optin),
            flag(customer.sms_optin),
            int(i64::from(verified)),
            answers
                .map(Into::into)
                .unwrap_or(wasm_bindgen::JsValue::NULL),
            session_id.into(),
            sha256_hex(customer.phone.as_bytes()).into(),
        ],
    )
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
