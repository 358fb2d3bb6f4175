//! The widget's Pongo routes (session bearer, as Mokafaa's): enlist with both opt-ins and
//! the earn preview of the current cart. And the receiver of Pongo's signed webhooks.

use crate::domain::notice::optional_email;
use crate::domain::pongo_orders::{earn_preview, DEFAULT_CALLING_CODE};
use crate::domain::rate_limit::{ENLIST_PER_IP, ENLIST_PER_PHONE};
use crate::guards::{PongoWebhook, WidgetCaller, WidgetGate};
use crate::http::{internal, ApiResult};
use crate::pongo::client::PongoClient;
use crate::pongo::connection::{self, PongoApp};
use crate::pongo::errors::PongoFailure;
use crate::pongo::wire::{Customer, NewCustomer};
use crate::rate_limit::Checks;
use crate::routes::call::{reply, Call};
use crate::secure::sha256_hex;
use crate::store::pongo_connections;
use crate::store::pongo_webhooks::{self, WebhookEvent};
use crate::store::sessions::{self, Session};
use crate::store::Db;
use loyalty_shared::api::{EnlistRequest, OrderCustomer, PongoMember, PongoReward};
use loyalty_shared::{ApiError, ErrorCode, InternationalPhone, Locale};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

/// `POST /v1/pongo/enlist`: enlists a new shopper with both consent answers as given, or
/// names an existing member. A phone number proves nothing: an existing member's answers and
/// email are changed, and their points and rewards shown, only in a session that proved the
/// phone with a texted code (`/v1/pongo/verify`); until then the order's points still reach
/// that number's account.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/pongo/enlist", tag = "widget", request_body = loyalty_shared::api::EnlistRequest, security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoMember), (status = "default", description = "Error (optin_required, invalid_phone, rate_limited, pongo_not_connected, store_not_mapped, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn enlist(mut call: Call, gate: WidgetGate) -> ApiResult<Response> {
    let read = match call.json::<EnlistRequest>(call.locale).await {
        Ok(body) => parse_enlist(&body, call.locale),
        Err(e) => Err(e),
    };
    let (phone, answers) = match read {
        Ok(read) => read,
        Err(e) => return Err(gate.refuse(&call, e).await),
    };
    let (caller, store) = open_enlist(&call, gate, &phone).await?;
    let WidgetCaller {
        session,
        merchant,
        pongo,
        ..
    } = caller;
    let locale = session.locale();
    let (db, now) = (&call.db, call.now);
    let app = PongoApp::from_env(&call.env)?;
    let connection = connection::usable(&app, pongo, now, locale)?;
    let store_slug = store.ok_or_else(|| {
        ApiError::new(ErrorCode::StoreNotMapped, locale).with_field("location_id")
    })?;
    let client = connection.client(&app, call.db.tally());
    let merchant_id = session.merchant_id.clone();
    let proved_here =
        session.pongo_verified != 0 && session.pongo_phone.as_deref() == Some(phone.as_digits());
    let (customer, new_member, verified) =
        match resolve_member(&client, &phone, &answers, &store_slug, proved_here).await {
            Ok(resolved) => resolved,
            Err(f) => return Err(connection::refused(db, &merchant_id, f, now, locale).await),
        };
    remember_member(db, &session, &phone, &answers, new_member, verified).await?;
    let can_verify = merchant.sms_verify.is_some();
    let rewards = if verified {
        // The rewards list is a nicety: without it the shopper still enlists.
        client.rewards(&store_slug).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let member = member_card(
        &phone,
        &customer,
        new_member,
        verified,
        can_verify,
        rewards,
        &connection,
        &session,
    );
    reply(&member, 200)
}

/// The session remembers the member (and, until the phone is proved, the answers to apply
/// then); the log names the outcome with the phone masked.
async fn remember_member(
    db: &Db,
    session: &Session,
    phone: &InternationalPhone,
    answers: &Answers,
    new_member: bool,
    verified: bool,
) -> ApiResult<()> {
    worker::console_log!(
        "merchant {}: Pongo member {} {}",
        session.merchant_id,
        phone.masked(),
        match (new_member, verified) {
            (true, _) => "enlisted",
            (false, true) => "identified (proved)",
            (false, false) => "named (not proved)",
        }
    );
    let pending = (!verified).then(|| answers.to_json());
    let member = OrderCustomer {
        phone: phone.as_digits().to_string(),
        email_optin: Some(answers.email_optin),
        sms_optin: Some(answers.sms_optin),
    };
    sessions::set_pongo_member(db, &session.id, &member, verified, pending.as_deref()).await
}

/// The phone and the answers: consent is never assumed, both questions need an answer.
fn parse_enlist(body: &EnlistRequest, locale: Locale) -> ApiResult<(InternationalPhone, Answers)> {
    let phone = InternationalPhone::parse(&body.phone, Some(DEFAULT_CALLING_CODE))
        .map_err(|_| ApiError::new(ErrorCode::InvalidPhone, locale).with_field("phone"))?;
    let required = |field| ApiError::new(ErrorCode::OptinRequired, locale).with_field(field);
    let answers = Answers {
        email_optin: body.email_optin.ok_or_else(|| required("email_optin"))?,
        sms_optin: body.sms_optin.ok_or_else(|| required("sms_optin"))?,
        email: optional_email(body.email.as_deref(), locale)?.map(str::to_string),
    };
    Ok((phone, answers))
}

/// The member behind a typed phone: a proved member's answers are applied, a stranger's
/// typing of a member's number changes and shows nothing, a new number becomes a member.
/// Returns the customer, whether it is new, and whether this session may see its points.
async fn resolve_member(
    client: &PongoClient,
    phone: &InternationalPhone,
    answers: &Answers,
    store_slug: &str,
    proved_here: bool,
) -> Result<(Customer, bool, bool), PongoFailure> {
    match client.customer(phone.as_digits()).await? {
        Some(existing) if proved_here => client
            .update_customer(&existing.id, &answers.changes())
            .await
            .map(|c| (c, false, true)),
        Some(existing) => Ok((existing, false, false)),
        None => {
            let new = NewCustomer {
                phone: phone.as_digits().to_string(),
                reference_store_slug: store_slug.to_string(),
                email_optin: answers.email_optin,
                sms_optin: answers.sms_optin,
                email: answers.email.clone(),
            };
            client.create_customer(&new).await.map(|c| (c, true, true))
        }
    }
}

/// The consent answers (and email) a shopper gave, as stored until the phone is proved.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub(crate) struct Answers {
    pub email_optin: bool,
    pub sms_optin: bool,
    #[serde(default)]
    pub email: Option<String>,
}

impl Answers {
    pub fn changes(&self) -> serde_json::Value {
        let mut changes = json!({ "email_optin": self.email_optin, "sms_optin": self.sms_optin });
        if let Some(email) = &self.email {
            changes["email"] = json!(email);
        }
        changes
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The member card: points and rewards only for a proved (or new) member.
#[allow(clippy::too_many_arguments)]
pub(crate) fn member_card(
    phone: &InternationalPhone,
    customer: &crate::pongo::wire::Customer,
    new_member: bool,
    verified: bool,
    can_verify: bool,
    rewards: Vec<crate::pongo::wire::Reward>,
    connection: &connection::Connection,
    session: &Session,
) -> PongoMember {
    PongoMember {
        masked_phone: phone.masked(),
        points: verified.then_some(customer.points),
        verified,
        can_verify: can_verify && !verified,
        earn_preview: earn_preview(&connection.partner_parameters, session.amount()),
        new_member,
        rewards: rewards
            .into_iter()
            .map(|r| PongoReward {
                within_reach: customer.points >= r.points,
                id: r.id,
                name: r.name,
                points: r.points,
            })
            .collect(),
    }
}

/// One round trip before Pongo is asked: the caller, the counts (looking numbers up is
/// limited per client and per number, like sending a code) and the storefront's store.
async fn open_enlist(
    call: &Call,
    gate: WidgetGate,
    phone: &InternationalPhone,
) -> ApiResult<(WidgetCaller, Option<String>)> {
    let ip_limit = ("ENLIST_LIMIT_PER_IP", ENLIST_PER_IP);
    let phone_hash = sha256_hex(phone.as_digits().as_bytes());
    let phone_limit = (
        "ENLIST_LIMIT_PER_PHONE",
        ENLIST_PER_PHONE,
        phone_hash.as_str(),
    );
    let checks = Checks::for_caller(call, "enlist", ip_limit, Some(phone_limit));
    let mut reads = checks.statements(call)?;
    let token_hash = WidgetGate::token_hash(call);
    reads.push(pongo_connections::store_of_session(&call.db, &token_hash)?);
    let (caller, results) = gate.open(call, reads).await?;
    checks.verdict(&results, call.now, caller.session.locale())?;
    let store = match results.get(checks.len()) {
        Some(result) => pongo_connections::slug_of(result)?,
        None => None,
    };
    Ok((caller, store))
}

/// `GET /v1/pongo/earn-preview`: what the session's cart earns now (after a cart change,
/// the widget asks again). Computed from the merchant's `partnerParameters`, no upstream call.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/pongo/earn-preview", tag = "widget", security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::EarnPreview), (status = "default", description = "Error (session_invalid, pongo_not_connected)", body = loyalty_shared::ErrorBody))))]
pub async fn preview(call: Call, caller: WidgetCaller) -> ApiResult<Response> {
    let WidgetCaller { session, pongo, .. } = caller;
    let app = PongoApp::from_env(&call.env)?;
    let connection = connection::usable(&app, pongo, call.now, session.locale())?;
    reply(
        &earn_preview(&connection.partner_parameters, session.amount()),
        200,
    )
}

/// `POST /v1/pongo/webhooks/:merchant_id`: `customer.created` / `customer.updated` from
/// Pongo, signed `t=..,v1=..` over body then timestamp with the subscription's secret.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/pongo/webhooks/{merchant_id}", tag = "pongo", params(("merchant_id" = String, Path)),
    responses((status = 204, description = "Recorded"), (status = "default", description = "Error (bad_signature)", body = loyalty_shared::ErrorBody))))]
pub async fn webhook(call: Call, hook: PongoWebhook) -> ApiResult<Response> {
    #[derive(Deserialize)]
    struct Delivery {
        event: String,
        #[serde(default)]
        data: serde_json::Value,
    }
    let delivery: Delivery = crate::http::parse_json(&hook.body, Locale::En)?;
    if !crate::pongo::client::WEBHOOK_EVENTS.contains(&delivery.event.as_str()) {
        return Err(ApiError::new(ErrorCode::InvalidRequest, Locale::En).with_field("event"));
    }
    let event = WebhookEvent {
        merchant_id: &hook.merchant_id,
        event: &delivery.event,
        customer_id: delivery.data.get("id").and_then(|v| v.as_str()),
        signed_at: hook.signed_at,
    };
    pongo_webhooks::record(&call.db, event, call.now).await?;
    Response::empty()
        .map(|r| r.with_status(204))
        .map_err(|e| internal("response", e))
}
