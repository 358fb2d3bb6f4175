//! The merchant's SMS verification service, in the shape of Twilio Verify v2: texts a code
//! to a number and checks what the shopper typed. The code never passes through the edge.

use serde::Deserialize;

/// One merchant's service (Worker secret `SMS_VERIFY_AUTH_TOKEN__<ID>`).
#[derive(Clone)]
pub struct SmsVerifyConfig {
    /// `https://verify.twilio.com` (the simulator locally).
    pub base_url: String,
    pub service_sid: String,
    pub account_sid: String,
    pub auth_token: String,
}

impl std::fmt::Debug for SmsVerifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmsVerifyConfig(••••)")
    }
}

/// What a check said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Approved,
    /// The code was wrong; the verification is still pending.
    Wrong,
    /// No pending verification: expired, already approved, or never sent.
    NoPending,
    /// The service's own limit of checks or sends was reached.
    TooMany,
}

/// No usable answer, or a refusal that is not about the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsFailure;

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    status: String,
}

#[derive(Deserialize)]
struct TwilioError {
    #[serde(default)]
    code: u32,
}

impl SmsVerifyConfig {
    fn url(&self, what: &str) -> String {
        format!(
            "{}/v2/Services/{}/{what}",
            self.base_url.trim_end_matches('/'),
            self.service_sid
        )
    }

    async fn post(&self, what: &str, form: &[(&str, &str)]) -> Result<(u16, String), SmsFailure> {
        let response = reqwest::Client::new()
            .post(self.url(what))
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(form)
            .send()
            .await
            .map_err(|_| SmsFailure)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|_| SmsFailure)?;
        Ok((status, text))
    }

    /// Texts a code to `to` (E.164, `+9665...`).
    pub async fn send(&self, to: &str) -> Result<Result<(), Check>, SmsFailure> {
        let (status, text) = self
            .post("Verifications", &[("To", to), ("Channel", "sms")])
            .await?;
        match status {
            200..=299 => Ok(Ok(())),
            429 => Ok(Err(Check::TooMany)),
            _ => {
                let code = serde_json::from_slice::<TwilioError>(text.as_bytes())
                    .map(|e| e.code)
                    .unwrap_or(0);
                worker::console_warn!("sms verify send refused: {status} {code}");
                Err(SmsFailure)
            }
        }
    }

    /// Checks `code` for `to`.
    pub async fn check(&self, to: &str, code: &str) -> Result<Check, SmsFailure> {
        let (status, text) = self
            .post("VerificationCheck", &[("To", to), ("Code", code)])
            .await?;
        match status {
            200..=299 => {
                let answer: Answer =
                    serde_json::from_slice(text.as_bytes()).map_err(|_| SmsFailure)?;
                Ok(if answer.status == "approved" {
                    Check::Approved
                } else {
                    Check::Wrong
                })
            }
            404 => Ok(Check::NoPending),
            429 => Ok(Check::TooMany),
            _ => Err(SmsFailure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_never_printed() {
        let config = SmsVerifyConfig {
            base_url: "http://x".into(),
            service_sid: "VA1".into(),
            account_sid: "AC1".into(),
            auth_token: "very-secret".into(),
        };
        assert!(!format!("{config:?}").contains("very-secret"));
        assert_eq!(
            config.url("Verifications"),
            "http://x/v2/Services/VA1/Verifications"
        );
    }
}
