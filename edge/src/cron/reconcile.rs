//! Redemptions whose bank answer was lost (`pending` past the settle time), decided against
//! the bank's transaction list by [`crate::domain::reconcile`].

use super::{retry_later, row_failed, Clients, Report, BATCH};
use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::reconcile::{self, BankRedemption, PendingRedemption, Verdict};
use crate::http::ApiResult;
use crate::mokafaa::wire::TransactionList;
use crate::secure::sha256_hex;
use crate::store::challenges;
use crate::store::redemptions::{self, Changes, RedemptionRow};
use crate::store::Db;
use loyalty_shared::api::RedemptionState;
use loyalty_shared::{Locale, SaudiMobile};
use worker::Env;

/// The shopper a pending row belongs to, as the bank's list could name them: the mobile's
/// hash when the challenge was by mobile.
async fn pending_view(db: &Db, row: &RedemptionRow) -> ApiResult<PendingRedemption> {
    let challenge = challenges::get(db, &row.challenge_id, &row.session_id).await?;
    Ok(PendingRedemption {
        points: row.points.max(0) as u64,
        created_at: row.created_at,
        shopper: challenge
            .filter(|c| c.method == "mobile")
            .and_then(|c| c.identity_hash),
    })
}

pub(super) async fn pending(db: &Db, env: &Env, now: i64, report: &mut Report) -> ApiResult<()> {
    let settled_before = now - reconcile::SETTLE_AFTER_SECONDS;
    let due: Vec<RedemptionRow> = redemptions::due(db, RedemptionState::Pending, now, BATCH)
        .await?
        .into_iter()
        .filter(|row| row.created_at <= settled_before)
        .collect();
    let mut merchants: Vec<String> = due.iter().map(|r| r.merchant_id.clone()).collect();
    merchants.sort();
    merchants.dedup();
    let mut clients = Clients::default();
    for merchant_id in merchants {
        let rows: Vec<&RedemptionRow> = due
            .iter()
            .filter(|r| r.merchant_id == merchant_id)
            .collect();
        let outcome =
            reconcile_merchant(db, env, &mut clients, &merchant_id, &rows, now, report).await;
        if let Err(e) = outcome {
            for row in rows {
                row_failed(db, row, "reconcile", &e, now, report).await;
            }
        }
    }
    Ok(())
}

/// The bank's redemptions in its list, each with the shopper's hash when it names a mobile.
fn bank_redemptions(list: &TransactionList) -> Vec<BankRedemption> {
    list.transactions
        .iter()
        .filter(|t| t.transaction_type.eq_ignore_ascii_case("redemption"))
        .filter_map(|t| {
            let (Some(transaction_id), Some(points)) = (t.transaction_id, t.points_amount) else {
                return None;
            };
            let shopper = t
                .mobile
                .as_deref()
                .and_then(|m| SaudiMobile::parse(m).ok())
                .map(|m| sha256_hex(format!("mobile:{}", m.to_mokafaa()).as_bytes()));
            Some(BankRedemption {
                transaction_id,
                points: points.unsigned_abs(),
                shopper,
                at: t.at,
            })
        })
        .collect()
}

/// What one merchant's run knows: the bank's list, the transactions our ledger already
/// holds, and every pending row that competes for them.
struct Evidence {
    bank: Vec<BankRedemption>,
    linked: Vec<i64>,
    competitors: Vec<(String, PendingRedemption)>,
}

/// One merchant's pending rows against one read of the bank's list.
async fn reconcile_merchant(
    db: &Db,
    env: &Env,
    clients: &mut Clients,
    merchant_id: &str,
    rows: &[&RedemptionRow],
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    let client = clients.get(db, env, merchant_id).await?.client;
    let from = rows.iter().map(|r| r.created_at).min().unwrap_or(now) - 60;
    let list = client
        .transactions(from, now + 60, now)
        .await
        .map_err(|_| {
            loyalty_shared::ApiError::new(
                loyalty_shared::ErrorCode::UpstreamUnavailable,
                Locale::En,
            )
        })?;
    let bank = bank_redemptions(&list);
    let mut linked = Vec::new();
    for t in &bank {
        if redemptions::has_transaction(db, t.transaction_id).await? {
            linked.push(t.transaction_id);
        }
    }
    // Every pending row of the merchant competes for these transactions, due or not.
    let mut competitors = Vec::new();
    let since = from - reconcile::GIVE_UP_AFTER_SECONDS;
    for other in redemptions::pending_since(db, merchant_id, since, 500).await? {
        competitors.push((other.id.clone(), pending_view(db, &other).await?));
    }
    let mut evidence = Evidence {
        bank,
        linked,
        competitors,
    };
    for &row in rows {
        if let Err(e) = settle(db, row, &mut evidence, now, report).await {
            row_failed(db, row, "reconcile", &e, now, report).await;
        }
    }
    Ok(())
}

/// Settles one leased row: happened, did not happen, wait, or parked for a person.
async fn settle(
    db: &Db,
    row: &RedemptionRow,
    evidence: &mut Evidence,
    now: i64,
    report: &mut Report,
) -> ApiResult<()> {
    if !redemptions::lease(db, row, now).await? {
        return Ok(());
    }
    let ours = pending_view(db, row).await?;
    let others: Vec<PendingRedemption> = evidence
        .competitors
        .iter()
        .filter(|(id, _)| id != &row.id)
        .map(|(_, p)| p.clone())
        .collect();
    let linked = &evidence.linked;
    let verdict = reconcile::decide(&ours, &others, now, &evidence.bank, |id| {
        linked.contains(&id)
    });
    let (event, changes, reason) = match verdict {
        Verdict::Happened(id) => {
            evidence.linked.push(id);
            (
                LedgerEvent::BankConfirmed,
                Changes {
                    bank_transaction_id: Some(id),
                    ..Changes::default()
                },
                "reconciled: found in the bank's transactions",
            )
        }
        Verdict::DidNotHappen => (
            LedgerEvent::BankRefused,
            Changes {
                error_code: Some("upstream_unavailable"),
                ..Changes::default()
            },
            "reconciled: not in the bank's transactions",
        ),
        Verdict::Wait => return retry_later(db, row, now, report).await,
        Verdict::Ambiguous(candidates) => {
            let evidence = candidates
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            worker::console_warn!("reconcile {}: ambiguous, parked for a person", row.id);
            report.failures += 1;
            let reason = format!("ambiguous reconciliation: bank transactions {evidence} could each be this row's or another pending row's ({} points)", row.points);
            return redemptions::park(db, row, &reason, now).await;
        }
    };
    redemptions::transition(db, row, event, Actor::Reconciliation, reason, changes, now).await?;
    report.reconciled += 1;
    Ok(())
}
