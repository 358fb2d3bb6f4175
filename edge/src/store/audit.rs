//! The audit log: who changed what of a merchant, when, old and new values (secrets are
//! masked before they get here: the log never holds one).

use super::Db;
use super::{all, int, statement};
use crate::http::ApiResult;
use loyalty_shared::api::AuditEntry;
use worker::D1PreparedStatement;

/// One change to write, in the same batch as the change itself.
pub struct Change<'a> {
    pub merchant_id: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

pub fn record(db: &Db, change: &Change<'_>, now: i64) -> ApiResult<D1PreparedStatement> {
    let text = |v: Option<&str>| v.map_or(wasm_bindgen::JsValue::NULL, Into::into);
    statement(
        db,
        "INSERT INTO audit_log (merchant_id, actor, action, subject, old_value, new_value, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            change.merchant_id.into(),
            change.actor.into(),
            change.action.into(),
            text(change.subject),
            text(change.old_value),
            text(change.new_value),
            int(now),
        ],
    )
}

/// The merchant's newest changes first; `subject` narrows to one thing (a redemption).
pub async fn recent(
    db: &Db,
    merchant_id: &str,
    subject: Option<&str>,
    limit: u32,
) -> ApiResult<Vec<AuditEntry>> {
    all(
        db,
        "SELECT at, actor, action, subject, old_value, new_value FROM audit_log
         WHERE merchant_id = ?1 AND (?2 IS NULL OR subject = ?2) ORDER BY id DESC LIMIT ?3",
        &[
            merchant_id.into(),
            subject.map_or(wasm_bindgen::JsValue::NULL, Into::into),
            int(i64::from(limit)),
        ],
        "audit log",
    )
    .await
}
