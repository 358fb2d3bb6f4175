//! The console's settings: read and save them (validated, every changed field audited),
//! write a secret (sealed, never returned, its change audited masked), and test each
//! provider's connection with what is saved.

use crate::domain::settings::{self, Refusal};
use crate::guards::ConsoleAdmin;
use crate::http::{internal, ApiResult};
use crate::merchant::{self, secret_owner, MerchantRow};
use crate::mokafaa::client::MokafaaClient;
use crate::mokafaa::errors::BankFailure;
use crate::pongo::connection::{self, PongoApp};
use crate::routes::call::{reply, Call};
use crate::store::audit::{self, Change};
use crate::store::merchant_settings::{self, SecretWrite, SettingsWrite};
use crate::store::merchants;
use loyalty_shared::api::{
    ConnectionCheck, MerchantSettings, Program, SecretName, SecretStatus, SecretUpdate,
    SettingsView,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::Response;

/// How long a replaced API secret still signs.
pub const API_SECRET_OVERLAP_SECONDS: i64 = 24 * 60 * 60;

async fn current(call: &Call, merchant_id: &str) -> ApiResult<MerchantSettings> {
    let row: Option<MerchantRow> = merchants::row(&call.db, merchant_id).await?;
    row.as_ref()
        .map(MerchantRow::settings)
        .ok_or_else(|| ApiError::new(ErrorCode::MerchantNotFound, Locale::En))
}

async fn view(call: &Call, merchant_id: &str) -> ApiResult<SettingsView> {
    let settings = current(call, merchant_id).await?;
    let held = merchant_settings::secret_statuses(&call.db, merchant_id).await?;
    let secrets = SecretName::ALL
        .into_iter()
        .map(|name| {
            let row = held.iter().find(|h| h.name == name.as_str());
            SecretStatus {
                name,
                set: row.is_some(),
                updated_at: row.map(|r| r.updated_at),
                previous_valid_until: row
                    .and_then(|r| r.previous_valid_until)
                    .filter(|until| *until > call.now),
            }
        })
        .collect();
    Ok(SettingsView { settings, secrets })
}

/// `GET /v1/admin/settings`: the settings, and which secrets are set (never their values).
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/admin/settings", tag = "console", security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::SettingsView), (status = "default", description = "Error (unauthorized)", body = loyalty_shared::ErrorBody))))]
pub async fn get(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    reply(&view(&call, &admin.merchant_id).await?, 200)
}

fn json_text<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| internal("settings json", e))
}

/// `PUT /v1/admin/settings`: saves every field, or refuses naming the field and why.
#[cfg_attr(feature = "openapi", utoipa::path(put, path = "/v1/admin/settings", tag = "console", request_body = loyalty_shared::api::MerchantSettings, security(("console" = [])),
    responses((status = 200, body = loyalty_shared::api::SettingsView), (status = "default", description = "Error (unauthorized, csrf_invalid, invalid_request)", body = loyalty_shared::ErrorBody))))]
pub async fn put(mut call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let new: MerchantSettings = call.json(Locale::En).await?;
    settings::validate(&new).map_err(|Refusal { field, message }| {
        ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field(field)
            .with_message(message)
    })?;
    let old = current(&call, &admin.merchant_id).await?;
    let (programs, methods, origins) = (
        json_text(&new.programs)?,
        json_text(&new.verification_methods)?,
        json_text(&new.allowed_origins)?,
    );
    let write = SettingsWrite {
        name: new.name.trim(),
        programs: &programs,
        mokafaa_environment: new.mokafaa_environment.as_str(),
        mokafaa_client_id: new.mokafaa_client_id.as_deref(),
        mokafaa_mapping_pos_id: new.mokafaa_mapping_pos_id.as_deref(),
        points_per_sar: new.points_per_sar,
        min_per_order_minor: new.min_per_order.minor as i64,
        max_per_order_minor: new.max_per_order.minor as i64,
        verification_methods: &methods,
        accept_iban: settings::accepts_iban(&new),
        show_balance_before_code: new.show_balance_before_code,
        abandoned_after_seconds: i64::from(new.abandoned_after_minutes) * 60,
        allowed_origins: &origins,
        shopper_emails: new.shopper_emails,
        email_sender_name: new.email_sender_name.trim(),
        widget_theme: new.widget_theme.as_str(),
    };
    let mut statements = vec![merchant_settings::update(
        &call.db,
        &admin.merchant_id,
        &write,
    )?];
    for (field, before, after) in settings::changes(&old, &new) {
        let change = Change {
            merchant_id: &admin.merchant_id,
            actor: &admin.email,
            action: "settings.changed",
            subject: Some(&field),
            old_value: Some(&before),
            new_value: Some(&after),
        };
        statements.push(audit::record(&call.db, &change, call.now)?);
    }
    crate::store::batch(&call.db, statements, "save settings").await?;
    reply(&view(&call, &admin.merchant_id).await?, 200)
}

/// Seals `value` as `name` of `merchant_id` under the master key.
pub fn seal_for(
    call: &Call,
    merchant_id: &str,
    name: SecretName,
    value: &str,
) -> ApiResult<String> {
    let key = crate::sealed::master_key(&call.env)
        .ok_or_else(|| internal("seal", "SEALING_KEY is not set"))?;
    crate::sealed::seal(&key, &secret_owner(merchant_id, name.as_str()), value)
        .map_err(|e| internal("seal", e))
}

/// `PUT /v1/admin/secrets/{name}`: seals and stores a secret. The API secret it replaces
/// keeps signing for 24 hours, so the store's servers can move over without a failed call.
#[cfg_attr(feature = "openapi", utoipa::path(put, path = "/v1/admin/secrets/{name}", tag = "console", request_body = loyalty_shared::api::SecretUpdate, security(("console" = [])),
    params(("name" = String, Path, description = "mokafaa_client_secret, mokafaa_merchant_token or merchant_api_secret")),
    responses((status = 200, body = loyalty_shared::api::SettingsView), (status = "default", description = "Error (unauthorized, csrf_invalid, invalid_request, not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn put_secret(mut call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    let name = SecretName::from_name(&call.param("name"))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, Locale::En))?;
    let body: SecretUpdate = call.json(Locale::En).await?;
    let value = body.value.trim();
    if value.len() < 8 || value.len() > 512 || value.chars().any(|c| c.is_control() || c == ' ') {
        return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En)
            .with_field("value")
            .with_message("Paste the whole secret: 8 to 512 characters, no spaces."));
    }
    let sealed = seal_for(&call, &admin.merchant_id, name, value)?;
    let rotates = name == SecretName::MerchantApiSecret;
    // The Worker secret a first D1 value takes over from keeps working through the overlap.
    let fallback = if rotates {
        let kind = name.as_str().to_ascii_uppercase();
        match call
            .env
            .secret(&merchant::secret_name(&kind, &admin.merchant_id))
        {
            Ok(old) => Some(seal_for(&call, &admin.merchant_id, name, &old.to_string())?),
            Err(_) => None,
        }
    } else {
        None
    };
    let write = SecretWrite {
        name: name.as_str(),
        sealed: &sealed,
        keep_previous: rotates,
        fallback_previous: fallback.as_deref(),
        overlap_until: call.now + API_SECRET_OVERLAP_SECONDS,
    };
    let change = Change {
        merchant_id: &admin.merchant_id,
        actor: &admin.email,
        action: "secret.changed",
        subject: Some(name.as_str()),
        old_value: Some("••••"),
        new_value: Some("••••"),
    };
    let statements = vec![
        merchant_settings::put_secret(&call.db, &admin.merchant_id, &write, call.now)?,
        audit::record(&call.db, &change, call.now)?,
    ];
    crate::store::batch(&call.db, statements, "save secret").await?;
    reply(&view(&call, &admin.merchant_id).await?, 200)
}

fn check(provider: Program, ok: bool, message: impl Into<String>) -> ApiResult<Response> {
    reply(
        &ConnectionCheck {
            provider,
            ok,
            message: message.into(),
        },
        200,
    )
}

/// `POST /v1/admin/test-connection/{provider}`: calls the provider with what is saved
/// (Mokafaa: a fresh token call; Pongo: `/oauth/me`) and says what failed in words.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/admin/test-connection/{provider}", tag = "console", security(("console" = [])),
    params(("provider" = String, Path, description = "mokafaa or pongo")),
    responses((status = 200, body = loyalty_shared::api::ConnectionCheck), (status = "default", description = "Error (unauthorized, csrf_invalid, not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn test_connection(call: Call, admin: ConsoleAdmin) -> ApiResult<Response> {
    match call.param("provider").as_str() {
        "mokafaa" => test_mokafaa(&call, &admin).await,
        "pongo" => test_pongo(&call, &admin).await,
        _ => Err(ApiError::new(ErrorCode::NotFound, Locale::En)),
    }
}

async fn test_mokafaa(call: &Call, admin: &ConsoleAdmin) -> ApiResult<Response> {
    let settings = current(call, &admin.merchant_id).await?;
    let loaded = merchant::load(&call.db, &call.env, &admin.merchant_id, Locale::En).await?;
    let environment = settings.mokafaa_environment.as_str();
    let Some(config) = loaded.mokafaa else {
        let missing = if settings.mokafaa_client_id.is_none() {
            "Enter the Mokafaa client id under Settings first.".to_string()
        } else {
            format!("Enter the client secret and the merchant token under Credentials first (or this edge has no address for the {environment} environment: ask the operator).")
        };
        return check(Program::Mokafaa, false, missing);
    };
    let client = MokafaaClient::new(config, call.db.tally());
    match client.check_credentials(call.now).await {
        Ok(()) => check(Program::Mokafaa, true, format!("Mokafaa ({environment}) accepted the client id and secret.")),
        Err(BankFailure::Refused(_) | BankFailure::TokenRejected) => check(
            Program::Mokafaa,
            false,
            format!("Mokafaa ({environment}) refused the client id or the client secret. Check both, save, and test again."),
        ),
        Err(BankFailure::Unknown) => check(
            Program::Mokafaa,
            false,
            format!("Mokafaa ({environment}) did not answer. Try again in a minute; if it goes on, ask the operator whether this environment is reachable."),
        ),
    }
}

async fn test_pongo(call: &Call, admin: &ConsoleAdmin) -> ApiResult<Response> {
    let app = PongoApp::from_env(&call.env)?;
    let Some(connection) = connection::load(&call.db, &app, &admin.merchant_id).await? else {
        return check(
            Program::Pongo,
            false,
            "Pongo is not connected: press Connect Pongo first.",
        );
    };
    match connection.client(&app, call.db.tally()).me().await {
        Ok(account) => check(
            Program::Pongo,
            true,
            format!("Pongo answered for the account {}.", account.name),
        ),
        Err(failure) => check(
            Program::Pongo,
            false,
            format!(
                "Pongo refused or did not answer ({}). If the token was revoked, connect again.",
                failure.code()
            ),
        ),
    }
}
