//! Email notices to shoppers through a transactional email API (Postmark's send shape; the
//! simulator's `/email/email` locally). Queued in `email_outbox` next to the ledger change
//! and sent by the cron, so a failing provider never blocks or undoes a redemption.

use crate::domain::notice::{compose, NoticeKind};
use crate::domain::retry::next_attempt_at;
use crate::http::{internal, ApiResult};
use crate::secure::random_hex;
use crate::store::redemptions::RedemptionRow;
use crate::store::{int, statement};
use loyalty_shared::Locale;
use serde::Deserialize;
use worker::{D1Database, Env};

/// Queues the notice for `kind` if the shopper's email is known. Never fails the caller:
/// a notice that cannot be queued is logged.
pub async fn queue(db: &D1Database, row: &RedemptionRow, kind: NoticeKind, now: i64) {
    if let Err(e) = try_queue(db, row, kind, now).await {
        worker::console_error!("notice {} for {} not queued: {e}", kind.as_str(), row.id);
    }
}

async fn try_queue(
    db: &D1Database,
    row: &RedemptionRow,
    kind: NoticeKind,
    now: i64,
) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct Recipient {
        email: Option<String>,
        locale: String,
        name: String,
    }
    let recipient: Option<Recipient> = statement(
        db,
        "SELECT s.email, s.locale, m.name FROM sessions s JOIN merchants m ON m.id = s.merchant_id WHERE s.id = ?1",
        &[row.session_id.as_str().into()],
    )?
    .first(None)
    .await
    .map_err(|e| internal("notice recipient", e))?;
    let Some(Recipient {
        email: Some(email),
        locale,
        name,
    }) = recipient
    else {
        return Ok(());
    };
    let (subject, body) = compose(
        kind,
        Locale::from_tag(&locale),
        &name,
        row.points.max(0) as u64,
        row.amount(),
    );
    statement(
        db,
        "INSERT INTO email_outbox (id, redemption_id, kind, to_address, subject, text_body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (redemption_id, kind) DO NOTHING",
        &[
            random_hex(16).map_err(|e| internal("random", e))?.into(),
            row.id.as_str().into(),
            kind.as_str().into(),
            email.into(),
            subject.into(),
            body.into(),
            int(now),
        ],
    )?
    .run()
    .await
    .map_err(|e| internal("notice insert", e))?;
    Ok(())
}

#[derive(Deserialize)]
struct Queued {
    id: String,
    to_address: String,
    subject: String,
    text_body: String,
    attempts: i64,
}

/// Sends what is due; returns (sent, failed).
pub async fn send_due(db: &D1Database, env: &Env, now: i64) -> ApiResult<(u32, u32)> {
    let (Ok(url), Ok(token), Ok(from)) = (
        env.var("EMAIL_API_URL"),
        env.secret("EMAIL_API_TOKEN"),
        env.var("EMAIL_FROM"),
    ) else {
        worker::console_warn!("email is not configured (EMAIL_API_URL, EMAIL_API_TOKEN, EMAIL_FROM): notices stay queued");
        return Ok((0, 0));
    };
    let due: Vec<Queued> = statement(
        db,
        "SELECT id, to_address, subject, text_body, attempts FROM email_outbox
         WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY created_at LIMIT 50",
        &[int(now)],
    )?
    .all()
    .await
    .map_err(|e| internal("outbox scan", e))?
    .results()
    .map_err(|e| internal("outbox rows", e))?;
    let client = reqwest::Client::new();
    let (mut sent, mut failed) = (0, 0);
    for message in due {
        let body = serde_json::json!({
            "From": from.to_string(),
            "To": message.to_address,
            "Subject": message.subject,
            "TextBody": message.text_body,
            "Tag": "loyalty-notice",
            "MessageStream": "outbound",
        });
        let delivered = client
            .post(url.to_string())
            .header("Accept", "application/json")
            .header("X-Postmark-Server-Token", token.to_string())
            .json(&body)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        let attempts = u32::try_from(message.attempts.max(0)).unwrap_or(u32::MAX);
        let update = if delivered {
            sent += 1;
            statement(db, "UPDATE email_outbox SET state = 'sent', sent_at = ?1, attempts = attempts + 1 WHERE id = ?2", &[int(now), message.id.as_str().into()])?
        } else {
            failed += 1;
            match next_attempt_at(now, attempts) {
                Some(at) => statement(db, "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = ?1 WHERE id = ?2", &[int(at), message.id.as_str().into()])?,
                None => statement(db, "UPDATE email_outbox SET state = 'failed', attempts = attempts + 1 WHERE id = ?1", &[message.id.as_str().into()])?,
            }
        };
        update
            .run()
            .await
            .map_err(|e| internal("outbox update", e))?;
    }
    Ok((sent, failed))
}
