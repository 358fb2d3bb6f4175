//! Who the shopper says they are at the bank: a Saudi mobile, a customer number or an IBAN,
//! read through the shared parsers, masked for display, and keyed for rate limits.

use crate::http::ApiResult;
use crate::merchant::Merchant;
use crate::mokafaa::client::Identity;
use loyalty_shared::api::{VerifyBy, VerifyMethod};
use loyalty_shared::{ApiError, CustomerNumber, ErrorCode, Locale, SaudiIban, SaudiMobile};

/// A way of verifying is offered only where the merchant's console turned it on.
pub(super) fn accepted(identity: &Identity, merchant: &Merchant, locale: Locale) -> ApiResult<()> {
    let (method, field, code) = match identity {
        Identity::Mobile(_) => (VerifyMethod::Mobile, "mobile", ErrorCode::InvalidPhone),
        Identity::CustomerNumber(_) => (
            VerifyMethod::CustomerNumber,
            "customer_number",
            ErrorCode::InvalidAccount,
        ),
        Identity::Iban(_) => (VerifyMethod::Iban, "iban", ErrorCode::InvalidAccount),
    };
    if !merchant.verification_methods.contains(&method) {
        return Err(ApiError::new(code, locale)
            .with_field(field)
            .with_message("This store does not offer this way of verifying. Choose another."));
    }
    Ok(())
}

/// The identity a code is sent for, checked and masked (whether the merchant accepts an
/// IBAN is [`accepted`]'s question, asked once the merchant is read).
pub(super) fn identity_of(
    by: &VerifyBy,
    locale: Locale,
) -> ApiResult<(Identity, &'static str, String)> {
    let invalid = |code, field| ApiError::new(code, locale).with_field(field);
    Ok(match by {
        VerifyBy::Mobile { mobile } => {
            let m = SaudiMobile::parse(mobile)
                .map_err(|_| invalid(ErrorCode::InvalidPhone, "mobile"))?;
            let masked = m.masked();
            (Identity::Mobile(m), "mobile", masked)
        }
        VerifyBy::CustomerNumber { customer_number } => {
            let c = CustomerNumber::parse(customer_number)
                .map_err(|_| invalid(ErrorCode::InvalidAccount, "customer_number"))?;
            let masked = c.masked();
            (Identity::CustomerNumber(c), "customer_number", masked)
        }
        VerifyBy::Iban { iban } => {
            let i =
                SaudiIban::parse(iban).map_err(|_| invalid(ErrorCode::InvalidAccount, "iban"))?;
            let masked = i.masked();
            (Identity::Iban(i), "iban", masked)
        }
    })
}

/// The identifier a rate limit counts, never stored in clear (hashed by the caller).
pub(super) fn identity_key(identity: &Identity) -> String {
    match identity {
        Identity::Mobile(m) => format!("mobile:{}", m.to_mokafaa()),
        Identity::CustomerNumber(c) => format!("cic:{}", c.as_str()),
        Identity::Iban(i) => format!("iban:{}", i.as_str()),
    }
}
