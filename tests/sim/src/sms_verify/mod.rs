//! An SMS verification service in the shape of Twilio Verify v2 (its public API reference):
//! `POST /sms/v2/Services/{ServiceSid}/Verifications` (`To`, `Channel=sms`) texts a code,
//! `POST /sms/v2/Services/{ServiceSid}/VerificationCheck` (`To`, `Code`) checks it, HTTP
//! Basic auth with the account SID and auth token, form-encoded bodies, JSON answers and
//! Twilio's error shape `{code, message, more_info, status}`. Texted codes land in an inbox
//! the console reads (`/__sim/sms/inbox?to=+9665...`).
//!
//! [`model`] holds the verifications and Twilio's rules with no HTTP; `http` is the API over
//! it (with the test credentials); `console` holds the inbox handler (routed with the whole
//! console in [`crate::console`]).

pub(crate) mod console;
mod http;
pub mod model;

pub use http::{router, ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID};
pub use model::Service;
