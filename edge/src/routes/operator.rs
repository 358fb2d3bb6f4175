//! The operator's calls (`OPERATOR_TOKEN` bearer): create a merchant with a one-time
//! invitation for its first admin, invite another admin, move a merchant's old Worker
//! secrets into D1, the redemptions of every merchant that need a person, and the
//! scheduled jobs run on demand.

use crate::guards::Operator;
use crate::http::{internal, ApiResult};
use crate::routes::call::{reply, Call};
use crate::routes::console_auth::{email_address, own_origin};
use crate::routes::console_settings::seal_for;
use crate::secure::{random_hex, sha256_hex};
use crate::store::audit::{self, Change};
use crate::store::console::{self, LinkKind, NewLink};
use crate::store::merchant_settings::{self, SecretWrite};
use crate::store::redemptions;
use loyalty_shared::api::{
    AttentionItem, Invitation, InvitationRequest, NewMerchantRequest, SecretName,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Response;

/// How long an invitation works.
const INVITATION_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;

fn merchant_id_ok(id: &str) -> bool {
    (2..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// A new invitation link for `email` to `merchant_id`, and the statement that stores it.
fn invitation(
    call: &Call,
    merchant_id: &str,
    email: &str,
) -> ApiResult<(Invitation, worker::D1PreparedStatement)> {
    let token = random_hex(32).map_err(|e| internal("random", e))?;
    let link = NewLink {
        token_hash: &sha256_hex(token.as_bytes()),
        kind: LinkKind::Invitation,
        merchant_id,
        email,
        expires_at: call.now + INVITATION_TTL_SECONDS,
    };
    let statement = console::link_statement(&call.db, &link, call.now)?;
    let invitation = Invitation {
        merchant_id: merchant_id.to_string(),
        invitation_url: format!("{}/admin/#invitation={token}", own_origin(call)?),
        expires_in_seconds: INVITATION_TTL_SECONDS as u32,
    };
    Ok((invitation, statement))
}

fn invited(call: &Call, merchant_id: &str, email: &str) -> ApiResult<worker::D1PreparedStatement> {
    let change = Change {
        merchant_id,
        actor: "operator",
        action: "admin.invited",
        subject: Some(email),
        old_value: None,
        new_value: None,
    };
    audit::record(&call.db, &change, call.now)
}

/// `POST /v1/operator/merchants`: a merchant (in the sandbox, nothing offered until its
/// admin sets it up) and its first admin's invitation.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/operator/merchants", tag = "operator", request_body = loyalty_shared::api::NewMerchantRequest, security(("operator" = [])),
    responses((status = 201, body = loyalty_shared::api::Invitation), (status = "default", description = "Error (unauthorized, invalid_request, merchant_exists)", body = loyalty_shared::ErrorBody))))]
pub async fn create_merchant(mut call: Call, _operator: Operator) -> ApiResult<Response> {
    let body: NewMerchantRequest = call.json(Locale::En).await?;
    let invalid = |field: &str, message: &str| {
        ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field(field)
            .with_message(message.to_string())
    };
    if !merchant_id_ok(&body.id) {
        return Err(invalid(
            "id",
            "The id is 2 to 40 lower-case letters, digits or dashes.",
        ));
    }
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "Enter the store's name (at most 80 characters).",
        ));
    }
    let email = email_address(&body.admin_email)?;
    let (invitation, link) = invitation(&call, &body.id, &email)?;
    let created = Change {
        merchant_id: &body.id,
        actor: "operator",
        action: "merchant.created",
        subject: None,
        old_value: None,
        new_value: Some(name),
    };
    // The link and audit rows are written only with the merchant (same transaction).
    let also = vec![
        link,
        audit::record(&call.db, &created, call.now)?,
        invited(&call, &body.id, &email)?,
    ];
    if !merchant_settings::create(&call.db, &body.id, name, also, call.now).await? {
        return Err(ApiError::new(ErrorCode::MerchantExists, Locale::En));
    }
    reply(&invitation, 201)
}

/// `POST /v1/operator/merchants/{id}/invitations`: another admin for a merchant.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/operator/merchants/{id}/invitations", tag = "operator", request_body = loyalty_shared::api::InvitationRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "The merchant")),
    responses((status = 201, body = loyalty_shared::api::Invitation), (status = "default", description = "Error (unauthorized, merchant_not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn invite(mut call: Call, _operator: Operator) -> ApiResult<Response> {
    let body: InvitationRequest = call.json(Locale::En).await?;
    let merchant_id = call.param("id");
    let email = email_address(&body.admin_email)?;
    crate::merchant::load(&call.db, &call.env, &merchant_id, Locale::En).await?;
    let (invitation, link) = invitation(&call, &merchant_id, &email)?;
    let audit = invited(&call, &merchant_id, &email)?;
    crate::store::batch(&call.db, vec![link, audit], "invitation").await?;
    reply(&invitation, 201)
}

/// `POST /v1/operator/merchants/{id}/secrets/import`: seals the merchant's Worker secrets
/// (`MOKAFAA_CLIENT_SECRET__<ID>`, ...) into D1, once each (a secret D1 holds stays); the
/// Worker secrets may then be deleted.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/operator/merchants/{id}/secrets/import", tag = "operator", security(("operator" = [])),
    params(("id" = String, Path, description = "The merchant")),
    responses((status = 200, description = "The names imported"), (status = "default", description = "Error (unauthorized, merchant_not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn import_secrets(call: Call, _operator: Operator) -> ApiResult<Response> {
    let merchant_id = call.param("id");
    crate::merchant::load(&call.db, &call.env, &merchant_id, Locale::En).await?;
    let held = merchant_settings::secret_statuses(&call.db, &merchant_id).await?;
    let mut statements = Vec::new();
    let mut imported = Vec::new();
    for name in SecretName::ALL {
        let env_name =
            crate::merchant::secret_name(&name.as_str().to_ascii_uppercase(), &merchant_id);
        let (Ok(value), false) = (
            call.env.secret(&env_name),
            held.iter().any(|h| h.name == name.as_str()),
        ) else {
            continue;
        };
        let sealed = seal_for(&call, &merchant_id, name, &value.to_string())?;
        let write = SecretWrite {
            name: name.as_str(),
            sealed: &sealed,
            keep_previous: false,
            fallback_previous: None,
            overlap_until: 0,
        };
        statements.push(merchant_settings::put_secret(
            &call.db,
            &merchant_id,
            &write,
            call.now,
        )?);
        let change = Change {
            merchant_id: &merchant_id,
            actor: "operator",
            action: "secret.imported",
            subject: Some(name.as_str()),
            old_value: None,
            new_value: Some("••••"),
        };
        statements.push(audit::record(&call.db, &change, call.now)?);
        imported.push(name.as_str());
    }
    if !statements.is_empty() {
        crate::store::batch(&call.db, statements, "import secrets").await?;
    }
    reply(&serde_json::json!({ "imported": imported }), 200)
}

/// `GET /v1/operator/redemptions/attention`: every merchant's redemptions that need a person.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/operator/redemptions/attention", tag = "operator", security(("operator" = [])),
    responses((status = 200, body = Vec<loyalty_shared::api::AttentionItem>), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn attention(call: Call, _operator: Operator) -> ApiResult<Response> {
    let items: Vec<AttentionItem> = redemptions::parked(&call.db, None, 200)
        .await?
        .iter()
        .map(crate::routes::admin::attention_item)
        .collect();
    reply(&items, 200)
}

/// `POST /v1/operator/cron`: runs the scheduled jobs now and says what they did. The
/// checkout worker's cron trigger calls this on the office worker, which holds the jobs.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/operator/cron", tag = "operator", security(("operator" = [])),
    responses((status = 200, body = loyalty_shared::api::CronReport), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn run_cron(call: Call, _operator: Operator) -> ApiResult<Response> {
    reply(&crate::cron::run(&call.db, &call.env).await, 200)
}

#[cfg(test)]
mod tests {
    #[test]
    fn merchant_ids_are_url_and_env_safe() {
        for good in ["demo", "shop-1", "ab"] {
            assert!(super::merchant_id_ok(good), "{good}");
        }
        for bad in ["a", "Shop", "shop_1", "-x", "shop.sa", "", &"x".repeat(41)] {
            assert!(!super::merchant_id_ok(bad), "{bad}");
        }
    }
}
