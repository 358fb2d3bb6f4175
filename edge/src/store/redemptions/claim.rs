//! Claiming an idempotency key: the one statement that decides whether a redeem request
//! calls the bank (one row per key, one standing redemption per cart).

use super::{by_key_statement, RedemptionRow, COLUMNS};
use crate::domain::ledger::Actor;
use crate::http::{internal, ApiResult};
use crate::store::rate_limits::{counted_if_written, Counter};
use crate::store::Db;
use crate::store::{changes, first, first_of, int, statement};
use loyalty_shared::api::RedemptionState;

/// What claiming a key found.
#[derive(Debug)]
pub enum Claimed {
    /// The `pending` row just inserted: this request calls the bank.
    New(RedemptionRow),
    /// The key's row, from an earlier or concurrent request with the same key.
    Existing(RedemptionRow),
    /// Another attempt of this session (another key) is still waiting for the bank.
    InProgress,
    /// The cart already has a redemption standing, or pending in another session: one cart
    /// is paid with points once.
    CartTaken,
}

/// The guess budget a claim counts against, as the rate-limit table keeps it.
pub struct GuessCount<'a> {
    pub key: &'a str,
    pub window_seconds: i64,
    pub now: i64,
}

/// Inserts a `pending` row unless the key has one or the session's cart has a redemption
/// that stands or may still stand. One statement decides both, so concurrent requests —
/// the same key twice, or two tabs of one cart — agree on a single row. In the same round
/// trip: the audit row, the guess counted (only when this request inserted), and the key's
/// row read back.
pub async fn claim(
    db: &Db,
    row: &RedemptionRow,
    actor: Actor,
    guess: GuessCount<'_>,
) -> ApiResult<(Claimed, Option<Counter>)> {
    let insert = statement(
        db,
        &format!(
            "INSERT INTO redemptions ({COLUMNS})
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', NULL, NULL, ?10, ?10
             WHERE NOT EXISTS (
               SELECT 1 FROM redemptions r JOIN sessions s ON s.id = r.session_id
               JOIN sessions me ON me.id = ?2
               WHERE s.merchant_id = me.merchant_id AND s.cart_id = me.cart_id
                 AND r.state IN ('pending', 'redeemed', 'captured', 'reversing'))
             ON CONFLICT (session_id, idempotency_key) DO NOTHING"
        ),
        &[
            row.id.as_str().into(),
            row.session_id.as_str().into(),
            row.merchant_id.as_str().into(),
            row.idempotency_key.as_str().into(),
            row.request_hash.as_str().into(),
            row.challenge_id.as_str().into(),
            int(row.amount_minor),
            row.currency.as_str().into(),
            int(row.points),
            int(row.created_at),
        ],
    )?;
    let event = statement(
        db,
        "INSERT INTO redemption_events (redemption_id, from_state, to_state, actor, reason, at)
         SELECT ?1, NULL, 'pending', ?2, 'redeem requested', ?3 WHERE changes() = 1",
        &[
            row.id.as_str().into(),
            actor.as_str().into(),
            int(row.created_at),
        ],
    )?;
    let counted = counted_if_written(db, guess.key, guess.window_seconds, guess.now)?;
    let stored = by_key_statement(db, &row.session_id, &row.idempotency_key)?;
    let results = db
        .batch(vec![insert, event, counted, stored])
        .await
        .map_err(|e| internal("redemption claim", e))?;
    let inserted = results.first().map(changes).unwrap_or(0) == 1;
    let counter: Option<Counter> = first_of(&results, 2, "guess counter")?;
    let claimed = match first_of::<RedemptionRow>(&results, 3, "redemption row")? {
        Some(stored) if inserted => Claimed::New(stored),
        Some(stored) => Claimed::Existing(stored),
        None if inserted => return Err(internal("redemption claim", "row missing after insert")),
        None => cart_holder(db, row).await?,
    };
    Ok((claimed, counter))
}

/// Why the cart refused a claim: this session's own attempt still pending, or another.
async fn cart_holder(db: &Db, row: &RedemptionRow) -> ApiResult<Claimed> {
    #[derive(serde::Deserialize)]
    struct Holder {
        session_id: String,
        state: RedemptionState,
    }
    let holder: Option<Holder> = first(
        db,
        "SELECT r.session_id, r.state FROM redemptions r JOIN sessions s ON s.id = r.session_id
         JOIN sessions me ON me.id = ?1
         WHERE s.merchant_id = me.merchant_id AND s.cart_id = me.cart_id
           AND r.state IN ('pending', 'redeemed', 'captured', 'reversing')
         ORDER BY r.created_at DESC LIMIT 1",
        &[row.session_id.as_str().into()],
        "redemption claim",
    )
    .await?;
    Ok(match holder {
        Some(h) if h.session_id == row.session_id && h.state == RedemptionState::Pending => {
            Claimed::InProgress
        }
        _ => Claimed::CartTaken,
    })
}
