//! Shopper notices waiting to be sent (`email_outbox`): queued with the ledger step they
//! tell of, addressed to the email the session gave.

use super::Db;
use super::{int, statement};
use crate::http::{internal, ApiResult};
use serde::Deserialize;
use worker::D1PreparedStatement;

/// A notice to the email a session gave, in each language (English, Arabic, French: the
/// session's own is picked in SQL); at most one per redemption and kind.
pub struct SessionNotice<'a> {
    pub id: &'a str,
    pub redemption_id: &'a str,
    pub kind: &'a str,
    pub session_id: &'a str,
    /// (subject, body) in `Locale::ALL` order: en, ar, fr.
    pub texts: &'a [(String, String); 3],
}

/// The statement that queues `notice` to the session's email (none given: nothing), to
/// batch right after the ledger step it tells of: it writes only when the statement before
/// it wrote (`changes() = 1`), so a step that did not happen tells nobody.
pub fn enqueue_for_session(
    db: &Db,
    notice: SessionNotice<'_>,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    let [(en_subject, en_body), (ar_subject, ar_body), (fr_subject, fr_body)] = notice.texts;
    statement(
        db,
        "INSERT INTO email_outbox (id, redemption_id, kind, to_address, subject, text_body, created_at)
         SELECT ?1, ?2, ?3, s.email,
                CASE s.locale WHEN 'ar' THEN ?7 WHEN 'fr' THEN ?9 ELSE ?5 END,
                CASE s.locale WHEN 'ar' THEN ?8 WHEN 'fr' THEN ?10 ELSE ?6 END, ?11
         FROM sessions s
         WHERE s.id = ?4 AND s.email IS NOT NULL AND changes() = 1
           AND (SELECT shopper_emails FROM merchants WHERE id = s.merchant_id) = 1
         ON CONFLICT (redemption_id, kind) DO NOTHING",
        &[
            notice.id.into(),
            notice.redemption_id.into(),
            notice.kind.into(),
            notice.session_id.into(),
            en_subject.as_str().into(),
            en_body.as_str().into(),
            ar_subject.as_str().into(),
            ar_body.as_str().into(),
            fr_subject.as_str().into(),
            fr_body.as_str().into(),
            int(now),
        ],
    )
}

/// A queued notice that is due.
#[derive(Deserialize)]
pub struct Queued {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub attempts: i64,
    /// The store's sender name from the console (`""`: the operator's address alone).
    #[serde(default)]
    pub sender_name: Option<String>,
}

/// The oldest 50 queued notices whose next attempt is due.
pub async fn due(db: &Db, now: i64) -> ApiResult<Vec<Queued>> {
    db.all_rows(statement(
        db,
        "SELECT o.id, o.to_address, o.subject, o.text_body, o.attempts, m.email_sender_name AS sender_name
         FROM email_outbox o JOIN redemptions r ON r.id = o.redemption_id JOIN merchants m ON m.id = r.merchant_id
         WHERE o.state = 'queued' AND o.next_attempt_at <= ?1 ORDER BY o.created_at LIMIT 50",
        &[int(now)],
    )?)
    .await
    .map_err(|e| internal("outbox scan", e))?
    .results()
    .map_err(|e| internal("outbox rows", e))
}

/// What became of one attempt to send a notice.
pub enum Attempt {
    Sent,
    RetryAt(i64),
    GaveUp,
}

/// Records an attempt: sent, due again at a time, or failed for good.
pub async fn record_attempt(db: &Db, id: &str, attempt: Attempt, now: i64) -> ApiResult<()> {
    let update = match attempt {
        Attempt::Sent => statement(
            db,
            "UPDATE email_outbox SET state = 'sent', sent_at = ?1, attempts = attempts + 1 WHERE id = ?2",
            &[int(now), id.into()],
        )?,
        Attempt::RetryAt(at) => statement(
            db,
            "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = ?1 WHERE id = ?2",
            &[int(at), id.into()],
        )?,
        Attempt::GaveUp => statement(
            db,
            "UPDATE email_outbox SET state = 'failed', attempts = attempts + 1 WHERE id = ?1",
            &[id.into()],
        )?,
    };
    db.execute(update)
        .await
        .map_err(|e| internal("outbox update", e))?;
    Ok(())
}
