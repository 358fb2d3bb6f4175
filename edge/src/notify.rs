//! Email notices to shoppers through a transactional email API (Postmark's send shape; the
//! simulator's `/email/email` locally). Queued in `email_outbox` next to the ledger change
//! and sent by the cron, so a failing provider never blocks or undoes a redemption.

use crate::domain::notice::{compose, NoticeKind};
use crate::domain::retry::next_attempt_at;
use crate::http::{internal, ApiResult};
use crate::secure::random_hex;
use crate::store::email_outbox::{self, Attempt, SessionNotice};
use crate::store::redemptions::RedemptionRow;
use crate::store::Db;
use loyalty_shared::Locale;
use worker::{D1PreparedStatement, Env};

/// The statement that queues the `kind` notice of `row` to the session's email, worded
/// for the store `name` in each language (the session's is picked in SQL), to batch with
/// the ledger step it tells of.
pub fn queued_with_step(
    db: &Db,
    row: &RedemptionRow,
    kind: NoticeKind,
    name: &str,
    now: i64,
) -> ApiResult<D1PreparedStatement> {
    let points = row.points.max(0) as u64;
    let texts = Locale::ALL.map(|locale| compose(kind, locale, name, points, row.amount()));
    let id = random_hex(16).map_err(|e| internal("random", e))?;
    let notice = SessionNotice {
        id: &id,
        redemption_id: &row.id,
        kind: kind.as_str(),
        session_id: &row.session_id,
        texts: &texts,
    };
    email_outbox::enqueue_for_session(db, notice, now)
}

/// The email provider's settings: `EMAIL_API_URL`, `EMAIL_API_TOKEN`, `EMAIL_FROM`.
pub struct Mailer {
    url: String,
    token: String,
    from: String,
    http: reqwest::Client,
}

impl Mailer {
    /// `None` (logged) when email is not configured.
    pub fn from_env(env: &Env) -> Option<Mailer> {
        let (Ok(url), Ok(token), Ok(from)) = (
            env.var("EMAIL_API_URL"),
            env.secret("EMAIL_API_TOKEN"),
            env.var("EMAIL_FROM"),
        ) else {
            worker::console_warn!(
                "email is not configured (EMAIL_API_URL, EMAIL_API_TOKEN, EMAIL_FROM)"
            );
            return None;
        };
        Some(Mailer {
            url: url.to_string(),
            token: token.to_string(),
            from: from.to_string(),
            http: reqwest::Client::new(),
        })
    }

    /// Sends one message (from `sender`'s name at the operator's address, when given);
    /// whether the provider took it.
    pub async fn send(
        &self,
        sender: Option<&str>,
        to: &str,
        subject: &str,
        text: &str,
        tag: &str,
    ) -> bool {
        let from = match sender.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => format!("\"{}\" <{}>", name.replace(['"', '\\'], ""), self.from),
            None => self.from.clone(),
        };
        let body = serde_json::json!({
            "From": from,
            "To": to,
            "Subject": subject,
            "TextBody": text,
            "Tag": tag,
            "MessageStream": "outbound",
        });
        self.http
            .post(&self.url)
            .header("Accept", "application/json")
            .header("X-Postmark-Server-Token", &self.token)
            .json(&body)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }
}

/// Sends what is due; returns (sent, failed).
pub async fn send_due(db: &Db, env: &Env, now: i64) -> ApiResult<(u32, u32)> {
    let Some(mailer) = Mailer::from_env(env) else {
        return Ok((0, 0));
    };
    let (mut sent, mut failed) = (0, 0);
    for message in email_outbox::due(db, now).await? {
        let delivered = mailer
            .send(
                message.sender_name.as_deref(),
                &message.to_address,
                &message.subject,
                &message.text_body,
                "loyalty-notice",
            )
            .await;
        let attempts = u32::try_from(message.attempts.max(0)).unwrap_or(u32::MAX);
        let attempt = if delivered {
            sent += 1;
            Attempt::Sent
        } else {
            failed += 1;
            next_attempt_at(now, attempts).map_or(Attempt::GaveUp, Attempt::RetryAt)
        };
        email_outbox::record_attempt(db, &message.id, attempt, now).await?;
    }
    Ok((sent, failed))
}
