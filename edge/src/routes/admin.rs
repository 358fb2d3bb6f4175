//! The console's ledger: a merchant's redemptions filtered, paged, totalled and exported;
//! one redemption with its trail and audit; a manual reversal with a reason (the same
//! reversal flow as every other); the redemptions that need a person; the audit log.

use crate::domain::ledger::Actor;
use crate::guards::ConsoleAdmin;
use crate::http::ApiResult;
use crate::merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::reversal::{self, Why};
use crate::routes::call::{reply, Call};
use crate::routes::merchant::view;
use crate::store::audit::{self, Change};
use crate::store::ledger::{self, LedgerRow};
use crate::store::redemptions::{self, state_name, RedemptionRow};
use loyalty_shared::api::{
    AttentionItem, LedgerItem, LedgerPage, ManualReverse, MerchantRedemption, RedemptionDetail,
    RedemptionState, StateTotal,
};
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, Money};
use worker::Response;

mod csv;
mod filter;

/// The most rows one CSV export holds.
const CSV_MAX_ROWS: u32 = 10_000;

pub fn attention_item(row: &RedemptionRow) -> AttentionItem {
    AttentionItem {
        merchant_id: row.merchant_id.clone(),
        redemption: view(row),
        attempts: u32::try_from(row.attempts.max(0)).unwrap_or(u32::MAX),
        updated_at: row.updated_at,
        reason: row.attention_reason.clone(),
    }
}

/// `GET /v1/admin/redemptions/attention`: this merchant's reversals and reconciliations
/// whose retries are spent. Each needs a person: check the bank's dashboard, then settle it.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/redemptions/attention", tag = "console", security(("console" = [])),
    responses((status = 200, body = Vec<loyalty_shared::api::AttentionItem>), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn attention(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let items: Vec<AttentionItem> = redemptions::parked(&call.db, Some(&admin.merchant_id), 200)
        .await?
        .iter()
        .map(attention_item)
        .collect();
    reply(&items, 200)
}

fn money(minor: i64, currency: &str) -> Money {
    Money {
        minor: minor.max(0) as u64,
        currency: currency.parse().unwrap_or(Currency::Sar),
    }
}

fn item(row: LedgerRow) -> LedgerItem {
    LedgerItem {
        redemption: MerchantRedemption {
            redemption_id: row.id,
            state: row.state,
            points: row.points.max(0) as u64,
            discount: money(row.amount_minor, &row.currency),
            order_id: row.order_id,
        },
        method: row.method,
        masked_identifier: row.masked_destination,
        created_at: row.created_at,
        updated_at: row.updated_at,
        error_code: row.error_code,
    }
}

/// `GET /v1/admin/redemptions`: one page of the filtered ledger with totals per state.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/redemptions", tag = "console", security(("console" = [])),
    params(("state" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD (UTC), inclusive"), ("to" = Option<String>, Query, description = "YYYY-MM-DD (UTC), inclusive"),
        ("order_id" = Option<String>, Query), ("identifier" = Option<String>, Query, description = "the identifier's last digits"), ("page" = Option<u32>, Query), ("page_size" = Option<u32>, Query)),
    responses((status = 200, body = loyalty_shared::api::LedgerPage), (status = "default", description = "Error (unauthorized, invalid_request)", body = loyalty_shared::ErrorBody))))]
pub async fn list(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let query = filter::Query::of(&call)?;
    let offset = u64::from(query.page - 1) * u64::from(query.page_size);
    let (rows, totals) = ledger::page(
        &call.db,
        &admin.merchant_id,
        &query.filter,
        query.page_size,
        offset,
    )
    .await?;
    let totals: Vec<StateTotal> = totals
        .into_iter()
        .map(|t| StateTotal {
            state: t.state,
            count: t.n.max(0) as u64,
            points: t.points.max(0) as u64,
            discount: money(t.minor, "SAR"),
        })
        .collect();
    let page = LedgerPage {
        total_items: totals.iter().map(|t| t.count).sum(),
        items: rows.into_iter().map(item).collect(),
        totals,
        page: query.page,
        page_size: query.page_size,
    };
    reply(&page, 200)
}

/// `GET /v1/admin/redemptions.csv`: the filtered ledger as CSV (at most 10,000 rows).
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/redemptions.csv", tag = "console", security(("console" = [])),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = "default", description = "Error (unauthorized, invalid_request)", body = loyalty_shared::ErrorBody))))]
pub async fn export(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let query = filter::Query::of(&call)?;
    let (rows, _) =
        ledger::page(&call.db, &admin.merchant_id, &query.filter, CSV_MAX_ROWS, 0).await?;
    let items: Vec<LedgerItem> = rows.into_iter().map(item).collect();
    csv::response(&admin.merchant_id, &items)
}

async fn detail_of(call: &Call, admin: &ConsoleAdmin, id: &str) -> ApiResult<RedemptionDetail> {
    let (row, trail) = ledger::detail(&call.db, &admin.merchant_id, id).await?;
    let row = row.ok_or_else(|| ApiError::new(ErrorCode::NotFound, Locale::En))?;
    let audit = audit::recent(&call.db, &admin.merchant_id, Some(id), 100).await?;
    Ok(RedemptionDetail {
        item: item(row),
        trail,
        audit,
    })
}

/// `GET /v1/admin/redemptions/{id}`: the redemption, its ledger trail and what admins did.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/redemptions/{id}", tag = "console", security(("console" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = loyalty_shared::api::RedemptionDetail), (status = "default", description = "Error (unauthorized, not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn detail(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let id = call.param("id");
    reply(&detail_of(&call, &admin, &id).await?, 200)
}

/// `POST /v1/admin/redemptions/{id}/reverse`: gives the points back through the one
/// reversal flow, the reason and the admin recorded in the trail and the audit log.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/redemptions/{id}/reverse", tag = "console", request_body = loyalty_shared::api::ManualReverse, security(("console" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = loyalty_shared::api::RedemptionDetail), (status = "default", description = "Error (unauthorized, csrf_invalid, invalid_request, not_found, already_reversed, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn reverse(mut call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let id = call.param("id");
    let body: ManualReverse = call.json(Locale::En).await?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field("reason")
            .with_message("Say why the points go back (at most 500 characters)."));
    }
    let row = redemptions::get(&call.db, &id)
        .await?
        .filter(|r| r.merchant_id == admin.merchant_id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, Locale::En))?;
    if row.state() == RedemptionState::Reversed {
        return Err(ApiError::new(ErrorCode::AlreadyReversed, Locale::En));
    }
    let merchant = merchant::load(&call.db, &call.env, &admin.merchant_id, Locale::En).await?;
    let config = merchant.mokafaa(Locale::En)?.clone();
    let client = MokafaaClient::new(config, call.db.tally());
    let before = row.state();
    let why_text = format!("{reason} ({})", admin.email);
    let why = Why::new(Actor::Admin, &why_text, &merchant.name);
    let after = reversal::reverse(&call.db, &client, row, why, call.now).await?;
    // The reason is part of what changed: the audit log says why, not only what.
    let (old, new) = (
        state_name(before).to_string(),
        format!("{}: {reason}", state_name(after.state())),
    );
    let change = Change {
        merchant_id: &admin.merchant_id,
        actor: &admin.email,
        action: "redemption.reversed",
        subject: Some(&id),
        old_value: Some(&old),
        new_value: Some(&new),
    };
    crate::store::batch(
        &call.db,
        vec![audit::record(&call.db, &change, call.now)?],
        "audit",
    )
    .await?;
    reply(&detail_of(&call, &admin, &id).await?, 200)
}

/// `GET /v1/admin/audit`: the newest 200 changes to this merchant.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/audit", tag = "console", security(("console" = [])),
    responses((status = 200, body = Vec<loyalty_shared::api::AuditEntry>), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn audit_log(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let entries = audit::recent(&call.db, &admin.merchant_id, None, 200).await?;
    reply(&entries, 200)
}
