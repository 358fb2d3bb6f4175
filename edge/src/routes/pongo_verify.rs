//! Proving a Pongo member's phone: a code texted by the merchant's SMS verification service
//! (Twilio Verify's shape). Proof unlocks the member card and stores the answers the shopper
//! gave at enlist. Codes are budgeted like Mokafaa's: sends per client and per number, and
//! at most 5 wrong codes per number per hour, counted before the service sees the code.

use crate::domain::rate_limit::{
    Limit, OTP_GUESSES_PER_IDENTIFIER, OTP_PER_IDENTIFIER, OTP_PER_IP,
};
use crate::guards::{WidgetCaller, WidgetGate};
use crate::http::ApiResult;
use crate::merchant::Merchant;
use crate::pongo::connection::{self, PongoApp};
use crate::rate_limit::{self, Taken};
use crate::routes::call::{reply, Call};
use crate::routes::pongo::{member_card, Answers};
use crate::secure::sha256_hex;
use crate::sms_verify::{Check, SmsVerifyConfig};
use crate::store::pongo_connections::ConnectionRow;
use crate::store::sessions::{self, Session};
use crate::store::{pongo_connections, rate_limits};
use loyalty_shared::api::{OrderCustomer, PongoCheckCode, PongoCodeSent};
use loyalty_shared::{ApiError, ErrorCode, InternationalPhone, Locale};
use worker::Response;

/// Wrong codes per number, counted before the service sees the code.
const GUESSES: Limit = OTP_GUESSES_PER_IDENTIFIER;

/// A texted code lives this long [Twilio Verify: 10 minutes].
const CODE_SECONDS: u32 = 600;

struct Prover {
    session: Session,
    merchant: Merchant,
    /// The merchant's connection, read with the session.
    pongo: Option<ConnectionRow>,
    phone: InternationalPhone,
}

impl Prover {
    fn locale(&self) -> Locale {
        self.session.locale()
    }

    fn service(&self) -> ApiResult<&SmsVerifyConfig> {
        self.merchant
            .sms_verify
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::VerificationUnavailable, self.locale()))
    }

    /// `+9665...`, as the service wants it.
    fn e164(&self) -> String {
        format!("+{}", self.phone.as_digits())
    }

    /// The number's key in the rate-limit table (never in clear).
    fn number_key(&self, what: &str) -> String {
        format!("{what}:{}", sha256_hex(self.phone.as_digits().as_bytes()))
    }
}

fn prover(caller: WidgetCaller) -> ApiResult<Prover> {
    let WidgetCaller {
        session,
        merchant,
        pongo,
        ..
    } = caller;
    let locale = session.locale();
    // The number to prove is the one enlisted in this session, never one sent now.
    let phone = session
        .pongo_phone
        .as_deref()
        .and_then(|p| InternationalPhone::parse(p, None).ok())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, locale)
                .with_message("Join with your phone number first.")
        })?;
    Ok(Prover {
        session,
        merchant,
        pongo,
        phone,
    })
}

/// `POST /v1/pongo/verify`: texts a code to the phone enlisted in this session.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/pongo/verify", tag = "widget", security(("session" = [])),
    responses((status = 201, body = loyalty_shared::api::PongoCodeSent), (status = "default", description = "Error (invalid_request: enlist first, verification_unavailable, rate_limited, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn send(call: Call, caller: WidgetCaller) -> ApiResult<Response> {
    let p = prover(caller)?;
    let locale = p.locale();
    // Proved already: no more texts (each costs the merchant, and invites SMS pumping).
    if p.session.pongo_verified != 0 {
        return Err(ApiError::new(ErrorCode::InvalidRequest, locale)
            .with_message("This number is already confirmed."));
    }
    let service = p.service()?;
    let number = sha256_hex(p.phone.as_digits().as_bytes());
    rate_limit::for_caller(
        &call,
        "pongo-code",
        ("OTP_LIMIT_PER_IP", OTP_PER_IP),
        Some(("OTP_LIMIT_PER_IDENTIFIER", OTP_PER_IDENTIFIER, &number)),
        locale,
    )
    .await?;
    call.db.tally().upstream();
    match service.send(&p.e164()).await {
        Ok(Ok(())) => {}
        Ok(Err(_)) => {
            return Err(ApiError::new(ErrorCode::RateLimited, locale).with_retry_after(CODE_SECONDS))
        }
        Err(_) => {
            return Err(ApiError::new(ErrorCode::UpstreamUnavailable, locale).with_retry_after(30))
        }
    }
    let sent = PongoCodeSent {
        masked_phone: p.phone.masked(),
        expires_in_seconds: CODE_SECONDS,
    };
    reply(&sent, 201)
}

/// `POST /v1/pongo/verify/check`: the shopper's code; right, it unlocks the member card and
/// stores the answers given at enlist.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/pongo/verify/check", tag = "widget", request_body = loyalty_shared::api::PongoCheckCode, security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::PongoMember), (status = "default", description = "Error (otp_invalid with attempts_left, otp_expired, otp_locked with retry_after_seconds, verification_unavailable, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn check(mut call: Call, gate: WidgetGate) -> ApiResult<Response> {
    let code = match read_code(&mut call).await {
        Ok(code) => code,
        Err(e) => return Err(gate.refuse(&call, e).await),
    };
    // One round trip before the service: the caller, the guess counted against the
    // session's number, and the storefront's store.
    let token_hash = WidgetGate::token_hash(&call);
    let reads = vec![
        rate_limits::phone_guess_counted(&call.db, &token_hash, GUESSES.window_seconds, call.now)?,
        pongo_connections::store_of_session(&call.db, &token_hash)?,
    ];
    let (caller, results) = gate.open(&call, reads).await?;
    let p = prover(caller)?;
    let locale = p.locale();
    let guess_key = p.number_key("pongo:guess");
    let store = pongo_connections::slug_of(&results[1])?;
    let taken = match rate_limits::counter_of(&results[0])? {
        Some(counter) => rate_limit::taken(Some(counter), GUESSES, call.now),
        // A session enlisted before its number's key was kept: counted on its own.
        None => rate_limit::take(&call.db, &guess_key, GUESSES, call.now).await?,
    };
    let service = match p.service() {
        Ok(service) => service.clone(),
        Err(e) => {
            rate_limit::give_back(&call.db, &guess_key).await?;
            return Err(e);
        }
    };
    let left = match taken {
        Taken::Allowed { left } => left,
        Taken::Refused { wait } => {
            return Err(ApiError::new(ErrorCode::OtpLocked, locale).with_retry_after(wait))
        }
    };
    call.db.tally().upstream();
    match service.check(&p.e164(), &code).await {
        // The guess is given back with the proof's own write.
        Ok(Check::Approved) => {}
        Ok(Check::Wrong) if left == 0 => {
            return Err(ApiError::new(ErrorCode::OtpLocked, locale)
                .with_retry_after(GUESSES.window_seconds as u32))
        }
        Ok(Check::Wrong) => {
            return Err(ApiError::new(ErrorCode::OtpInvalid, locale).with_attempts_left(left))
        }
        Ok(Check::NoPending) => {
            rate_limit::give_back(&call.db, &guess_key).await?;
            return Err(ApiError::new(ErrorCode::OtpExpired, locale));
        }
        Ok(Check::TooMany) => return Err(ApiError::new(ErrorCode::OtpLocked, locale)),
        Err(_) => {
            return Err(ApiError::new(ErrorCode::UpstreamUnavailable, locale).with_retry_after(30))
        }
    }
    proved(&call, p, store, &guess_key).await
}

/// The code in the body, as ASCII digits.
async fn read_code(call: &mut Call) -> ApiResult<String> {
    let locale = call.locale;
    let body: PongoCheckCode = call.json(locale).await?;
    code_digits(&body.code)
        .ok_or_else(|| ApiError::new(ErrorCode::OtpInvalid, locale).with_field("code"))
}

/// The phone is the shopper's: store the answers they gave, remember the proof and give
/// the right code's guess back (one round trip), and show the member card.
async fn proved(
    call: &Call,
    p: Prover,
    store: Option<String>,
    guess_key: &str,
) -> ApiResult<Response> {
    let locale = p.locale();
    let app = PongoApp::from_env(&call.env)?;
    let connection = connection::usable(&app, p.pongo.clone(), call.now, locale)?;
    let client = connection.client(&app, call.db.tally());
    let merchant_id = &p.session.merchant_id;
    let answers: Option<Answers> = p
        .session
        .pongo_answers
        .as_deref()
        .and_then(|a| serde_json::from_slice(a.as_bytes()).ok());
    let customer = match apply_answers(&client, &p, answers.as_ref()).await {
        Ok(Some(customer)) => customer,
        outcome => {
            // The code was right: whatever failed after it was not a guess.
            rate_limit::give_back(&call.db, guess_key).await?;
            return Err(match outcome {
                Err(f) => connection::refused(&call.db, merchant_id, f, call.now, locale).await,
                _ => ApiError::new(ErrorCode::CustomerNotFound, locale),
            });
        }
    };
    let member = OrderCustomer {
        phone: p.phone.as_digits().to_string(),
        email_optin: answers.as_ref().map(|a| a.email_optin),
        sms_optin: answers.as_ref().map(|a| a.sms_optin),
    };
    let writes = vec![
        rate_limits::uncounted(&call.db, guess_key)?,
        sessions::pongo_member_statement(&call.db, &p.session.id, &member, true, None)?,
    ];
    crate::store::batch(&call.db, writes, "pongo proof").await?;
    worker::console_log!(
        "merchant {merchant_id}: Pongo member {} proved",
        p.phone.masked()
    );
    let store = store.ok_or_else(|| {
        ApiError::new(ErrorCode::StoreNotMapped, locale).with_field("location_id")
    })?;
    let rewards = client.rewards(&store).await.unwrap_or_default();
    let member = member_card(
        &p.phone,
        &customer,
        false,
        true,
        true,
        rewards,
        &connection,
        &p.session,
    );
    reply(&member, 200)
}

/// The member, with the answers given at enlist applied now that the phone is proved.
async fn apply_answers(
    client: &crate::pongo::client::PongoClient,
    p: &Prover,
    answers: Option<&Answers>,
) -> Result<Option<crate::pongo::wire::Customer>, crate::pongo::errors::PongoFailure> {
    let Some(existing) = client.customer(p.phone.as_digits()).await? else {
        return Ok(None);
    };
    match answers {
        Some(answers) => client
            .update_customer(&existing.id, &answers.changes())
            .await
            .map(Some),
        None => Ok(Some(existing)),
    }
}

/// The code as typed (any digits, spaces) as ASCII digits; 4 to 10 of them.
fn code_digits(typed: &str) -> Option<String> {
    loyalty_shared::digits::typed_code(typed, 4, 10)
}

#[cfg(test)]
mod tests {
    use super::code_digits;

    #[test]
    fn codes_read_in_any_digits() {
        assert_eq!(code_digits(" ١٢٣ ٤٥٦").as_deref(), Some("123456"));
        assert_eq!(code_digits("12"), None);
        assert_eq!(code_digits("12a456"), None);
    }
}
