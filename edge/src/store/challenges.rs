//! OTP challenges as stored; the rules about them live in `domain::challenge`.

use super::Db;
use super::{int, run, statement};
use crate::domain::challenge::Challenge;
use crate::http::{internal, ApiResult};
use loyalty_shared::{Currency, Money};
use serde::Deserialize;
use worker::D1PreparedStatement;

#[derive(Debug, Clone, Deserialize)]
pub struct ChallengeRow {
    pub id: String,
    pub session_id: String,
    pub method: String,
    pub masked_destination: String,
    pub otp_token: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub wrong_attempts: i64,
    pub resends: i64,
    pub cart_amount_minor: i64,
    pub used: i64,
    /// SHA-256 of `method:identifier` (see the migration 0010); absent on older rows.
    #[serde(default)]
    pub identity_hash: Option<String>,
}

impl ChallengeRow {
    pub fn rules_view(&self) -> Challenge {
        Challenge {
            sent_at: self.sent_at,
            expires_at: self.expires_at,
            wrong_attempts: self.wrong_attempts.max(0) as u32,
            resends: self.resends.max(0) as u32,
            cart_amount: Money {
                minor: self.cart_amount_minor.max(0) as u64,
                currency: Currency::Sar,
            },
            used: self.used != 0,
        }
    }
}

const COLUMNS: &str = "id, session_id, method, masked_destination, otp_token, sent_at, expires_at, wrong_attempts, resends, cart_amount_minor, used, identity_hash";

/// The latest challenge of the session holding `token_hash`, to read with the caller.
pub fn latest_of_token(db: &Db, token_hash: &str) -> ApiResult<D1PreparedStatement> {
    statement(db, &format!("SELECT {COLUMNS} FROM otp_challenges WHERE session_id = (SELECT id FROM sessions WHERE token_hash = ?1) ORDER BY sent_at DESC, rowid DESC LIMIT 1"),
        &[token_hash.into()])
}

/// Challenge `id` of the session holding `token_hash`, to read with the caller.
pub fn of_token(db: &Db, id: &str, token_hash: &str) -> ApiResult<D1PreparedStatement> {
    statement(db, &format!("SELECT {COLUMNS} FROM otp_challenges WHERE id = ?1 AND session_id = (SELECT id FROM sessions WHERE token_hash = ?2)"),
        &[id.into(), token_hash.into()])
}

pub async fn get(db: &Db, id: &str, session_id: &str) -> ApiResult<Option<ChallengeRow>> {
    db.first_row(of_session(db, id, session_id)?)
        .await
        .map_err(|e| internal("challenge query", e))
}

/// Challenge `id` of session `session_id`, to run alone or in a batch.
pub fn of_session(db: &Db, id: &str, session_id: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        &format!("SELECT {COLUMNS} FROM otp_challenges WHERE id = ?1 AND session_id = ?2"),
        &[id.into(), session_id.into()],
    )
}

pub async fn insert(db: &Db, row: &ChallengeRow) -> ApiResult<()> {
    run(db, &format!("INSERT INTO otp_challenges ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        &[
            row.id.as_str().into(),
            row.session_id.as_str().into(),
            row.method.as_str().into(),
            row.masked_destination.as_str().into(),
            row.otp_token.as_str().into(),
            int(row.sent_at),
            int(row.expires_at),
            int(row.wrong_attempts),
            int(row.resends),
            int(row.cart_amount_minor),
            int(row.used),
            row.identity_hash.as_deref().map(Into::into).unwrap_or(wasm_bindgen::JsValue::NULL),
        ], "challenge insert").await?;
    Ok(())
}

/// Counts a wrong OTP atomically, so concurrent guesses cannot exceed the limit unseen.
pub async fn record_wrong_attempt(db: &Db, id: &str) -> ApiResult<()> {
    let sql = "UPDATE otp_challenges SET wrong_attempts = wrong_attempts + 1 WHERE id = ?1";
    run(db, sql, &[id.into()], "challenge update")
        .await
        .map(drop)
}

/// The statement that spends challenge `id`, to batch with the ledger step that spent it.
pub fn used(db: &Db, id: &str) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "UPDATE otp_challenges SET used = 1 WHERE id = ?1",
        &[id.into()],
    )
}
