//! The service's verifications and the rules as Twilio documents them: a code lives 10
//! minutes; a new send to a number with a pending verification texts the same verification
//! anew; 5 checks per verification, then 429 (60202); 5 sends per number per 10 minutes,
//! then 429 (60203); a check with no pending verification is 404 (20404). Plain data and
//! methods, no HTTP, tested directly.

use serde::Serialize;

/// A code lives this long [Twilio: 10 minutes].
pub const CODE_LIFETIME: i64 = 600;
pub const MAX_CHECKS: u32 = 5;
pub const MAX_SENDS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub sid: String,
    pub to: String,
    pub code: String,
    /// `pending`, `approved`, `max_attempts_reached`, `expired`.
    pub status: String,
    pub created_at: i64,
    pub checks: u32,
    pub sends: u32,
}

/// Why the service refuses a send or a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 20404: no pending verification for the number.
    NotFound,
    /// 60202: the pending verification was checked too often.
    MaxChecks,
    /// 60203: the number was texted too often.
    MaxSends,
}

#[derive(Debug, Default)]
pub struct Service {
    pub verifications: Vec<Verification>,
}

impl Service {
    fn pending(&self, to: &str, now: i64) -> Option<usize> {
        self.verifications.iter().rposition(|v| {
            v.to == to && v.status == "pending" && now < v.created_at + CODE_LIFETIME
        })
    }

    /// Texts `to` a code: the pending verification again, or a new one with `code` and `sid`.
    pub fn send(
        &mut self,
        to: &str,
        now: i64,
        code: String,
        sid: String,
    ) -> Result<&Verification, Refusal> {
        match self.pending(to, now) {
            Some(i) if self.verifications[i].sends >= MAX_SENDS => Err(Refusal::MaxSends),
            Some(i) => {
                self.verifications[i].sends += 1;
                Ok(&self.verifications[i])
            }
            None => {
                self.verifications.push(Verification {
                    sid,
                    to: to.to_string(),
                    code,
                    status: "pending".into(),
                    created_at: now,
                    checks: 0,
                    sends: 1,
                });
                Ok(&self.verifications[self.verifications.len() - 1])
            }
        }
    }

    /// Checks `code` against the pending verification of `to`: approved when it matches.
    pub fn check(&mut self, to: &str, code: &str, now: i64) -> Result<&Verification, Refusal> {
        let index = self.pending(to, now).ok_or(Refusal::NotFound)?;
        let v = &mut self.verifications[index];
        if v.checks >= MAX_CHECKS {
            v.status = "max_attempts_reached".into();
            return Err(Refusal::MaxChecks);
        }
        v.checks += 1;
        if v.code == code {
            v.status = "approved".into();
        }
        Ok(v)
    }

    /// The last verification texted to `to`, whatever became of it.
    pub fn last_texted(&self, to: &str) -> Option<&Verification> {
        self.verifications.iter().rev().find(|v| v.to == to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO: &str = "+966501234567";

    fn send(service: &mut Service, now: i64) -> Result<Verification, Refusal> {
        service
            .send(TO, now, format!("{now:06}"), format!("VE{now}"))
            .cloned()
    }

    #[test]
    fn a_pending_code_is_texted_again_until_the_send_limit() {
        let mut service = Service::default();
        let first = send(&mut service, 0).unwrap();
        for sends in 2..=MAX_SENDS {
            let again = send(&mut service, 1).unwrap();
            assert_eq!(
                (again.sid.as_str(), again.sends),
                (first.sid.as_str(), sends)
            );
        }
        assert_eq!(send(&mut service, 2), Err(Refusal::MaxSends));
        // Once the code lapsed, the number gets a new verification.
        let fresh = send(&mut service, CODE_LIFETIME).unwrap();
        assert_ne!(fresh.sid, first.sid);
        assert_eq!(service.last_texted(TO), Some(&fresh));
    }

    #[test]
    fn checks_approve_the_right_code_and_stop_after_the_limit() {
        let mut service = Service::default();
        assert_eq!(service.check(TO, "1", 0).err(), Some(Refusal::NotFound));
        let sent = send(&mut service, 0).unwrap();
        for _ in 0..MAX_CHECKS {
            assert_eq!(service.check(TO, "wrong", 1).unwrap().status, "pending");
        }
        assert_eq!(
            service.check(TO, &sent.code, 1).err(),
            Some(Refusal::MaxChecks)
        );
        assert_eq!(
            service.last_texted(TO).unwrap().status,
            "max_attempts_reached"
        );
        let fresh = send(&mut service, 2).unwrap();
        assert_eq!(
            service.check(TO, &fresh.code, 3).unwrap().status,
            "approved"
        );
        assert_eq!(
            service.check(TO, &fresh.code, 3).err(),
            Some(Refusal::NotFound),
            "an approved code is not pending any more"
        );
    }
}
