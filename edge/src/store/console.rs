//! The console's people: merchant admins, their one-time links (invitations, emailed sign-in
//! links) and their sessions. Only SHA-256 hashes of tokens are stored.

use super::Db;
use super::{all, batch, first, first_of, int, run, statement};
use crate::http::ApiResult;
use serde::Deserialize;
use worker::D1PreparedStatement;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Invitation,
    SignIn,
}

impl LinkKind {
    const fn as_str(self) -> &'static str {
        match self {
            LinkKind::Invitation => "invitation",
            LinkKind::SignIn => "sign_in",
        }
    }
}

/// A link to write: its token's hash, for whom, until when.
pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub kind: LinkKind,
    pub merchant_id: &'a str,
    pub email: &'a str,
    pub expires_at: i64,
}

/// The statement writing `link` (batched with the merchant it invites to, say).
pub fn link_statement(db: &Db, link: &NewLink<'_>, now: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "INSERT INTO admin_links (token_hash, kind, merchant_id, email, expires_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            link.token_hash.into(),
            link.kind.as_str().into(),
            link.merchant_id.into(),
            link.email.into(),
            int(link.expires_at),
            int(now),
        ],
    )
}

pub async fn save_link(db: &Db, link: &NewLink<'_>, now: i64) -> ApiResult<()> {
    batch(db, vec![link_statement(db, link, now)?], "admin link").await?;
    Ok(())
}

/// The session a spent link opened.
#[derive(Debug, Deserialize)]
pub struct Opened {
    pub merchant_id: String,
    pub email: String,
    pub merchant_name: String,
}

/// Spends link `token_hash` of `kind` (once, before it expires) and opens an admin session
/// `session_hash` in the same transaction: an invitation also makes its email an admin.
/// `None` when the link is unknown, spent or expired. `spender` marks this request's spend,
/// so of two concurrent requests only the one that spent it writes the rest.
pub async fn spend_link(
    db: &Db,
    kind: LinkKind,
    token_hash: &str,
    spender: &str,
    session: (&str, i64),
    now: i64,
) -> ApiResult<Option<Opened>> {
    let (session_hash, session_expires_at) = session;
    let spend = statement(
        db,
        "UPDATE admin_links SET used_at = ?3, used_by = ?4
         WHERE token_hash = ?1 AND kind = ?2 AND used_at IS NULL AND expires_at > ?3",
        &[
            token_hash.into(),
            kind.as_str().into(),
            int(now),
            spender.into(),
        ],
    )?;
    let admin = statement(
        db,
        "INSERT INTO merchant_admins (id, merchant_id, email, created_at)
         SELECT ?2, merchant_id, email, ?3 FROM admin_links
         WHERE token_hash = ?1 AND used_by = ?4 AND kind = 'invitation'
         ON CONFLICT (merchant_id, email) DO NOTHING",
        &[token_hash.into(), spender.into(), int(now), spender.into()],
    )?;
    let open = statement(
        db,
        "INSERT INTO admin_sessions (token_hash, admin_id, merchant_id, expires_at, created_at)
         SELECT ?2, a.id, a.merchant_id, ?3, ?4 FROM admin_links l
         JOIN merchant_admins a ON a.merchant_id = l.merchant_id AND a.email = l.email
         WHERE l.token_hash = ?1 AND l.used_by = ?5",
        &[
            token_hash.into(),
            session_hash.into(),
            int(session_expires_at),
            int(now),
            spender.into(),
        ],
    )?;
    let read = session_statement(db, session_hash, now)?;
    let results = batch(db, vec![spend, admin, open, read], "spend link").await?;
    first_of(&results, 3, "admin session")
}

fn session_statement(db: &Db, session_hash: &str, now: i64) -> ApiResult<D1PreparedStatement> {
    statement(
        db,
        "SELECT s.admin_id, s.merchant_id, a.email, m.name AS merchant_name
         FROM admin_sessions s JOIN merchant_admins a ON a.id = s.admin_id
         JOIN merchants m ON m.id = s.merchant_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        &[session_hash.into(), int(now)],
    )
}

/// The live admin session `session_hash`, with its admin and merchant.
pub async fn session(db: &Db, session_hash: &str, now: i64) -> ApiResult<Option<Opened>> {
    let results = batch(
        db,
        vec![session_statement(db, session_hash, now)?],
        "admin session",
    )
    .await?;
    first_of(&results, 0, "admin session")
}

pub async fn end_session(db: &Db, session_hash: &str) -> ApiResult<()> {
    run(
        db,
        "DELETE FROM admin_sessions WHERE token_hash = ?1",
        &[session_hash.into()],
        "sign out",
    )
    .await
    .map(|_| ())
}

/// The merchants `email` is an admin of (a sign-in link goes to each).
#[derive(Debug, Deserialize)]
pub struct AdminOf {
    pub merchant_id: String,
}

pub async fn admin_of(db: &Db, email: &str) -> ApiResult<Vec<AdminOf>> {
    all(
        db,
        "SELECT merchant_id FROM merchant_admins WHERE email = ?1 ORDER BY merchant_id LIMIT 10",
        &[email.into()],
        "admins of email",
    )
    .await
}

/// Sign-in links sent to `email` since `since` (a cap on how many one address gets).
pub async fn links_sent_since(db: &Db, email: &str, since: i64) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let n: Option<N> = first(
        db,
        "SELECT COUNT(*) AS n FROM admin_links WHERE email = ?1 AND kind = 'sign_in' AND created_at > ?2",
        &[email.into(), int(since)],
        "links sent",
    )
    .await?;
    Ok(n.map_or(0, |n| u32::try_from(n.n.max(0)).unwrap_or(u32::MAX)))
}
