//! The error answers of every route, by audience and by route: the OpenAPI document states
//! them (`x-error-codes` and one response per HTTP status), and an e2e test checks that no
//! route ever answers a code its entry does not name.

use loyalty_shared::ErrorCode;
use loyalty_shared::ErrorCode::*;

/// Any route that reads a JSON body.
const BODY: &[ErrorCode] = &[MalformedJson, InvalidRequest, PayloadTooLarge, Internal];
/// Every widget route: the session bearer used from its storefront.
const WIDGET: &[ErrorCode] = &[
    SessionInvalid,
    SessionExpired,
    OriginNotAllowed,
    MerchantNotFound,
    MalformedJson,
    InvalidRequest,
    PayloadTooLarge,
    Internal,
];
/// Every signed merchant-server route.
const MERCHANT: &[ErrorCode] = &[
    BadSignature,
    SignatureReplayed,
    MerchantNotFound,
    MalformedJson,
    InvalidRequest,
    PayloadTooLarge,
    Internal,
];
/// Every console route: the admin's session cookie, and a CSRF token on every change.
const ADMIN: &[ErrorCode] = &[
    Unauthorized,
    CsrfInvalid,
    MalformedJson,
    InvalidRequest,
    PayloadTooLarge,
    Internal,
];
/// Every operator route.
const OPERATOR: &[ErrorCode] = &[
    Unauthorized,
    MalformedJson,
    InvalidRequest,
    PayloadTooLarge,
    Internal,
];
/// The console's sign-in routes (a link's token; the console's own origin).
const CONSOLE_LINK: &[ErrorCode] = &[
    CsrfInvalid,
    MalformedJson,
    InvalidRequest,
    PayloadTooLarge,
    Internal,
];

/// Each route's codes (OpenAPI spelling, `{param}`): the ones every caller of its audience
/// may meet, and its own.
type RouteErrors = (
    &'static str,
    &'static str,
    &'static [ErrorCode],
    &'static [ErrorCode],
);

const ROUTE_ERRORS: &[RouteErrors] = &[
    ("get", "/v1/health", &[Internal], &[]),
    ("get", "/v1/openapi.json", &[Internal], &[]),
    (
        "post",
        "/v1/sessions",
        BODY,
        &[OriginNotAllowed, MerchantNotFound, InvalidAmount],
    ),
    ("get", "/v1/sessions/current", WIDGET, &[MerchantNotFound]),
    ("patch", "/v1/sessions/current", WIDGET, &[InvalidAmount]),
    (
        "post",
        "/v1/mokafaa/otp",
        WIDGET,
        &[
            InvalidPhone,
            InvalidAccount,
            ResendTooEarly,
            ResendLimit,
            RateLimited,
            CustomerNotFound,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "get",
        "/v1/mokafaa/balance",
        WIDGET,
        &[
            NotFound,
            OtpExpired,
            RateLimited,
            UpstreamRejected,
            UpstreamUnavailable,
            AmountOverLimit,
        ],
    ),
    (
        "post",
        "/v1/mokafaa/redeem",
        WIDGET,
        &[
            NotFound,
            OtpInvalid,
            OtpExpired,
            OtpLocked,
            OtpAlreadyUsed,
            CartChanged,
            AmountOverLimit,
            AmountUnderMinimum,
            BalanceInsufficient,
            InvalidAmount,
            IdempotencyConflict,
            CartAlreadyRedeemed,
            RequestInProgress,
            RateLimited,
            CustomerNotFound,
            ResendTooEarly,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "post",
        "/v1/mokafaa/redemptions/{id}/undo",
        WIDGET,
        &[NotFound, AlreadyReversed, UpstreamUnavailable],
    ),
    (
        "post",
        "/v1/merchant/orders/paid",
        MERCHANT,
        &[
            NotFound,
            AmountOverLimit,
            RedemptionAlreadyUsed,
            RedemptionNotCapturable,
            UpstreamUnavailable,
        ],
    ),
    (
        "post",
        "/v1/merchant/orders/cancelled",
        MERCHANT,
        &[NotFound, RedemptionAlreadyUsed, UpstreamUnavailable],
    ),
    ("post", "/v1/merchant/receipts/verify", MERCHANT, &[]),
    ("get", "/v1/admin/redemptions/attention", ADMIN, &[]),
    (
        "post",
        "/v1/admin/invitations/accept",
        CONSOLE_LINK,
        &[LinkInvalid],
    ),
    ("post", "/v1/admin/sign-in", CONSOLE_LINK, &[]),
    (
        "post",
        "/v1/admin/sign-in/complete",
        CONSOLE_LINK,
        &[LinkInvalid],
    ),
    ("get", "/v1/admin/me", ADMIN, &[]),
    ("post", "/v1/admin/sign-out", ADMIN, &[]),
    ("get", "/v1/admin/settings", ADMIN, &[MerchantNotFound]),
    ("put", "/v1/admin/settings", ADMIN, &[MerchantNotFound]),
    (
        "put",
        "/v1/admin/secrets/{name}",
        ADMIN,
        &[NotFound, MerchantNotFound],
    ),
    (
        "post",
        "/v1/admin/test-connection/{provider}",
        ADMIN,
        &[NotFound, MerchantNotFound],
    ),
    ("get", "/v1/admin/redemptions", ADMIN, &[]),
    ("get", "/v1/admin/redemptions.csv", ADMIN, &[]),
    ("get", "/v1/admin/redemptions/{id}", ADMIN, &[NotFound]),
    (
        "post",
        "/v1/admin/redemptions/{id}/reverse",
        ADMIN,
        &[
            NotFound,
            MerchantNotFound,
            AlreadyReversed,
            UpstreamUnavailable,
        ],
    ),
    ("get", "/v1/admin/audit", ADMIN, &[]),
    (
        "post",
        "/v1/operator/merchants",
        OPERATOR,
        &[MerchantExists],
    ),
    (
        "post",
        "/v1/operator/merchants/{id}/invitations",
        OPERATOR,
        &[MerchantNotFound],
    ),
    (
        "post",
        "/v1/operator/merchants/{id}/secrets/import",
        OPERATOR,
        &[MerchantNotFound],
    ),
    ("get", "/v1/operator/redemptions/attention", OPERATOR, &[]),
    ("post", "/v1/operator/cron", OPERATOR, &[]),
    (
        "post",
        "/v1/pongo/enlist",
        WIDGET,
        &[
            OptinRequired,
            InvalidPhone,
            RateLimited,
            PongoNotConnected,
            StoreNotMapped,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "get",
        "/v1/pongo/earn-preview",
        WIDGET,
        &[PongoNotConnected],
    ),
    (
        "post",
        "/v1/pongo/verify",
        WIDGET,
        &[VerificationUnavailable, RateLimited, UpstreamUnavailable],
    ),
    (
        "post",
        "/v1/pongo/verify/check",
        WIDGET,
        &[
            OtpInvalid,
            OtpExpired,
            OtpLocked,
            VerificationUnavailable,
            PongoNotConnected,
            CustomerNotFound,
            StoreNotMapped,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "post",
        "/v1/pongo/webhooks/{merchant_id}",
        BODY,
        &[BadSignature],
    ),
    (
        "post",
        "/v1/merchant/pongo/orders",
        MERCHANT,
        &[
            PaymentNotSuccessful,
            StoreNotMapped,
            PongoNotConnected,
            IdempotencyConflict,
            AmbiguousMember,
            InvalidAmount,
            OptinRequired,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "post",
        "/v1/merchant/pongo/orders/cancelled",
        MERCHANT,
        &[NotFound, UpstreamUnavailable],
    ),
    (
        "post",
        "/v1/admin/pongo/connect",
        ADMIN,
        &[MerchantNotFound],
    ),
    (
        "get",
        "/v1/admin/pongo/callback",
        &[Internal],
        &[OauthStateInvalid, UpstreamRejected, UpstreamUnavailable],
    ),
    ("get", "/v1/admin/pongo/status", ADMIN, &[MerchantNotFound]),
    (
        "post",
        "/v1/admin/pongo/sync",
        ADMIN,
        &[
            MerchantNotFound,
            PongoNotConnected,
            UpstreamRejected,
            UpstreamUnavailable,
        ],
    ),
    (
        "put",
        "/v1/admin/pongo/mappings",
        ADMIN,
        &[MerchantNotFound, PongoNotConnected, StoreNotMapped],
    ),
];

/// The codes `method path` (OpenAPI spelling, `{param}`) may answer.
pub fn of(method: &str, path: &str) -> Vec<ErrorCode> {
    let (common, own) = ROUTE_ERRORS
        .iter()
        .find(|(m, p, _, _)| *m == method && *p == path)
        .map_or((&[][..], &[][..]), |(_, _, common, own)| (*common, *own));
    // Every route: a body over 64 KB is refused before routing, and a platform failure is
    // `internal`.
    let mut codes: Vec<ErrorCode> = common
        .iter()
        .chain(own)
        .chain(&[PayloadTooLarge, Internal])
        .copied()
        .collect();
    codes.sort_by_key(|c| c.as_str());
    codes.dedup();
    codes
}
