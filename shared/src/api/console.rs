//! Wire types of the merchant console (`/admin/`) and the operator's calls: invitations,
//! sign-in links, settings, sealed secrets, connection tests, the ledger and the audit log.

use crate::api::{MerchantRedemption, Program, RedemptionState};
use crate::Money;
use serde::{Deserialize, Serialize};

/// `POST /v1/operator/merchants` (operator token): a new merchant and its first admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMerchantRequest {
    /// Lower-case letters, digits and `-`, 2 to 40 characters; the widget's `merchant-id`.
    pub id: String,
    pub name: String,
    /// Who may accept the invitation (and later sign in with a link sent there).
    pub admin_email: String,
}

/// `POST /v1/operator/merchants/{id}/invitations` (operator token): another admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRequest {
    pub admin_email: String,
}

/// `POST /v1/operator/cron` (operator token): what one run of the scheduled jobs did. The
/// checkout worker's cron trigger calls it on the office worker; an operator may too.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CronReport {
    pub abandoned_reversed: u32,
    pub reversals_finished: u32,
    pub reconciled: u32,
    pub emails_sent: u32,
    pub pongo_sent: u32,
    pub pongo_waiting: u32,
    /// Rows whose job failed this run (each retries later, or waits for a person).
    pub failures: u32,
    pub purged: u32,
}

/// A one-time invitation: whoever opens the link first becomes the merchant's admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub merchant_id: String,
    /// `https://edge/admin/#invitation=<token>`: the token rides in the fragment, so it is
    /// never sent in a request line or a Referer.
    pub invitation_url: String,
    pub expires_in_seconds: u32,
}

/// `POST /v1/admin/invitations/accept` and `POST /v1/admin/sign-in/complete`: the token
/// from a link's fragment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkToken {
    pub token: String,
}

/// `POST /v1/admin/sign-in`: email me a sign-in link. Answered alike whether or not the
/// address belongs to an admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
}

/// `GET /v1/admin/me`, and the answer of a completed sign-in: who is signed in, for which
/// merchant, and the CSRF token every state-changing call sends as `X-CSRF-Token`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminMe {
    pub merchant_id: String,
    pub merchant_name: String,
    pub email: String,
    pub csrf_token: String,
    /// The edge's own origin, for the embed snippet.
    pub edge_origin: String,
}

/// Where the merchant's Mokafaa calls go.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MokafaaEnvironment {
    /// The operator's sandbox (locally, the simulator): try the widget without real points.
    Sandbox,
    /// Al Rajhi's integration environment.
    Sit,
    /// Real points.
    Prod,
}

impl MokafaaEnvironment {
    pub const fn as_str(self) -> &'static str {
        match self {
            MokafaaEnvironment::Sandbox => "sandbox",
            MokafaaEnvironment::Sit => "sit",
            MokafaaEnvironment::Prod => "prod",
        }
    }
}

/// A way a shopper proves they own the Mokafaa account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMethod {
    Mobile,
    CustomerNumber,
    Iban,
}

/// The widget's preset look.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WidgetTheme {
    Light,
    Dark,
    Flat,
}

impl WidgetTheme {
    pub const fn as_str(self) -> &'static str {
        match self {
            WidgetTheme::Light => "light",
            WidgetTheme::Dark => "dark",
            WidgetTheme::Flat => "flat",
        }
    }
}

/// A merchant's settings as the console shows and saves them (`GET`/`PUT
/// /v1/admin/settings`). Secrets are not here: they are written one by one and never read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantSettings {
    pub name: String,
    /// The programs the widget offers, in the order its tabs show them.
    pub programs: Vec<Program>,
    pub mokafaa_environment: MokafaaEnvironment,
    #[serde(default)]
    pub mokafaa_client_id: Option<String>,
    #[serde(default)]
    pub mokafaa_mapping_pos_id: Option<String>,
    pub points_per_sar: u32,
    pub min_per_order: Money,
    pub max_per_order: Money,
    /// At least one.
    pub verification_methods: Vec<VerifyMethod>,
    pub show_balance_before_code: bool,
    /// Points of an unpaid cart go back after this many minutes.
    pub abandoned_after_minutes: u32,
    /// Exact origins (`https://shop.example`); `http` only for localhost.
    pub allowed_origins: Vec<String>,
    pub shopper_emails: bool,
    pub email_sender_name: String,
    pub widget_theme: WidgetTheme,
}

/// A secret the console writes and never shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretName {
    MokafaaClientSecret,
    MokafaaMerchantToken,
    /// Signs the merchant server's calls; on rotation the old one keeps working a while.
    MerchantApiSecret,
}

impl SecretName {
    pub const ALL: [SecretName; 3] = [
        SecretName::MokafaaClientSecret,
        SecretName::MokafaaMerchantToken,
        SecretName::MerchantApiSecret,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SecretName::MokafaaClientSecret => "mokafaa_client_secret",
            SecretName::MokafaaMerchantToken => "mokafaa_merchant_token",
            SecretName::MerchantApiSecret => "merchant_api_secret",
        }
    }

    pub fn from_name(name: &str) -> Option<SecretName> {
        SecretName::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Whether a secret is set, never its value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretStatus {
    pub name: SecretName,
    pub set: bool,
    /// Unix seconds of the last change.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// Until when the replaced API secret still signs (rotation overlap).
    #[serde(default)]
    pub previous_valid_until: Option<i64>,
}

/// `GET /v1/admin/settings`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: MerchantSettings,
    pub secrets: Vec<SecretStatus>,
}

/// `PUT /v1/admin/secrets/{name}`: the new value (write-only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretUpdate {
    pub value: String,
}

/// `POST /v1/admin/test-connection/{provider}`: what the provider said, in words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub provider: Program,
    pub ok: bool,
    pub message: String,
}

/// One redemption in the console's ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerItem {
    pub redemption: MerchantRedemption,
    /// How the shopper verified and with what, masked (`05••••4567`).
    pub method: String,
    pub masked_identifier: String,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub error_code: Option<String>,
}

/// The sum of one state's redemptions over the whole filter (not only the page).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateTotal {
    pub state: RedemptionState,
    pub count: u64,
    pub points: u64,
    pub discount: Money,
}

/// `GET /v1/admin/redemptions`: one page of the filtered ledger.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerPage {
    pub items: Vec<LedgerItem>,
    pub totals: Vec<StateTotal>,
    pub page: u32,
    pub page_size: u32,
    pub total_items: u64,
}

/// One step of a redemption's ledger trail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStep {
    #[serde(default)]
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub reason: String,
    pub at: i64,
}

/// One change made in the console (or by the operator), secrets masked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    /// The admin's email, or `operator`.
    pub actor: String,
    pub action: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub old_value: Option<String>,
    #[serde(default)]
    pub new_value: Option<String>,
}

/// `GET /v1/admin/redemptions/{id}`: a redemption, its trail and what admins did to it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionDetail {
    pub item: LedgerItem,
    pub trail: Vec<TrailStep>,
    pub audit: Vec<AuditEntry>,
}

/// `POST /v1/admin/redemptions/{id}/reverse`: give the points back, with the reason.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualReverse {
    pub reason: String,
}
