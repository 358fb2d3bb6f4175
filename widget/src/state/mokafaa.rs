//! Mokafaa's part of the state: the form, its screen, its actions and their reducer, and
//! the validation of the two requests it sends.

use loyalty_shared::api::{
    Balance, OtpChallenge, RedeemRequest, Redemption, RedemptionState, SendOtpRequest, VerifyBy,
};
use loyalty_shared::{ApiError, Currency, CustomerNumber, ErrorCode, Money, SaudiMobile};

/// How the shopper identifies for Mokafaa on the first screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    Mobile,
    CustomerNumber,
    /// Offered only when the merchant accepts IBAN verification.
    Iban,
}

/// The Mokafaa part of the widget.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MokafaaForm {
    pub method: Method,
    pub identifier: String,
    pub error: Option<ApiError>,
    pub busy: bool,
    /// The live challenge; its seconds count down with [`super::Action::Tick`].
    pub challenge: Option<OtpChallenge>,
    pub otp: String,
    /// The SAR amount as typed.
    pub amount: String,
    pub balance: Option<Balance>,
    pub redemption: Option<Redemption>,
    /// Points given back by the last undo, to tell the shopper.
    pub returned_points: Option<u64>,
    /// The redemption attempt in flight or last unanswered, with its `Idempotency-Key`: a
    /// retry of the same request reuses the key, so the edge answers the first result.
    pub attempt: Option<(RedeemRequest, String)>,
    /// The edge is settling an attempt whose answer was lost: "checking...".
    pub checking: bool,
}

/// Which Mokafaa screen to show, derived from the form so it can never disagree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MokafaaScreen {
    Identify,
    Verify,
    Redeemed,
}

impl MokafaaForm {
    /// The key for `request`: the kept one when it is the same request, else `fresh`.
    pub fn key_for(&self, request: &RedeemRequest, fresh: impl FnOnce() -> String) -> String {
        match &self.attempt {
            Some((kept, key)) if kept == request => key.clone(),
            _ => fresh(),
        }
    }

    pub fn screen(&self) -> MokafaaScreen {
        match (&self.redemption, &self.challenge) {
            (Some(r), _) if r.state != RedemptionState::Reversed => MokafaaScreen::Redeemed,
            (_, Some(_)) => MokafaaScreen::Verify,
            _ => MokafaaScreen::Identify,
        }
    }

    /// One second passed; false when no countdown moved (so nothing needs to re-render).
    pub fn tick(&mut self) -> bool {
        match self.challenge.as_mut() {
            Some(c) if c.expires_in_seconds > 0 || c.resend_after_seconds > 0 => {
                c.expires_in_seconds = c.expires_in_seconds.saturating_sub(1);
                c.resend_after_seconds = c.resend_after_seconds.saturating_sub(1);
                true
            }
            _ => false,
        }
    }
}

/// What can happen to the Mokafaa form: the shopper's input and the edge's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MokafaaAction {
    SelectMethod(Method),
    EditIdentifier(String),
    /// The form was submitted but did not validate.
    Invalid(ApiError),
    Sending,
    /// A redemption attempt goes out with this key (kept until it is answered).
    Redeeming(RedeemRequest, String),
    /// The attempt's answer was lost or is in progress at the edge: retrying with its key.
    Checking,
    OtpSent(OtpChallenge),
    Failed(ApiError),
    EditOtp(String),
    EditAmount(String),
    /// "Use maximum": the most this order can take in points.
    UseMaximum,
    BalanceLoaded(Balance),
    Redeemed(Redemption),
    /// The shopper's undo finished (or was accepted and is finishing).
    Undone(Redemption),
    /// Back to the first screen to use another number.
    StartOver,
}

/// A request failed (or did not validate): the error shows and the form is free again.
fn failed(form: &mut MokafaaForm, error: ApiError) {
    // The bank asked to wait before another code: the resend button waits too.
    if let (ErrorCode::ResendTooEarly, Some(wait), Some(challenge)) = (
        error.code,
        error.retry_after_seconds,
        form.challenge.as_mut(),
    ) {
        challenge.resend_after_seconds = challenge.resend_after_seconds.max(wait);
    }
    form.error = Some(error);
    form.busy = false;
    form.checking = false;
}

/// The Mokafaa reducer: the form after `action`.
pub fn reduce(form: &mut MokafaaForm, action: MokafaaAction) {
    use MokafaaAction::*;
    match action {
        SelectMethod(method) if form.method != method => {
            form.method = method;
            form.identifier.clear();
            form.error = None;
        }
        SelectMethod(_) => {}
        EditIdentifier(value) => edited(form, |f| f.identifier = value),
        EditOtp(value) => edited(form, |f| f.otp = value),
        EditAmount(value) => edited(form, |f| f.amount = value),
        UseMaximum => {
            if let Some(max) = form.balance.as_ref().map(|b| b.max_redeemable) {
                edited(form, |f| f.amount = max.to_decimal_string());
            }
        }
        Invalid(error) | Failed(error) => failed(form, error),
        Sending => {
            form.busy = true;
            form.error = None;
        }
        Redeeming(request, key) => {
            form.busy = true;
            form.error = None;
            form.checking = false;
            form.attempt = Some((request, key));
        }
        Checking => form.checking = true,
        OtpSent(challenge) => {
            form.busy = false;
            form.challenge = Some(challenge);
            form.otp.clear();
            form.returned_points = None;
        }
        BalanceLoaded(balance) => {
            if form.amount.is_empty() {
                form.amount = balance.max_redeemable.to_decimal_string();
            }
            form.balance = Some(balance);
        }
        Redeemed(redemption) => {
            form.busy = false;
            form.checking = false;
            form.attempt = None;
            form.redemption = Some(redemption);
        }
        Undone(redemption) => start_over(form, Some(redemption.points)),
        StartOver => start_over(form, None),
    }
}

/// The shopper typed: the old error no longer applies.
fn edited(form: &mut MokafaaForm, change: impl FnOnce(&mut MokafaaForm)) {
    change(form);
    form.error = None;
}

/// The first screen again, keeping the chosen method.
fn start_over(form: &mut MokafaaForm, returned_points: Option<u64>) {
    *form = MokafaaForm {
        method: form.method,
        returned_points,
        ..MokafaaForm::default()
    };
}

/// The request the Mokafaa form would send, or the error to show beside the field.
/// The edge validates again: this only spares the shopper a round trip.
pub fn mokafaa_request(form: &MokafaaForm) -> Result<SendOtpRequest, ErrorCode> {
    let by = match form.method {
        Method::Mobile => VerifyBy::Mobile {
            mobile: SaudiMobile::parse(&form.identifier)?.to_mokafaa(),
        },
        Method::CustomerNumber => VerifyBy::CustomerNumber {
            customer_number: CustomerNumber::parse(&form.identifier)?
                .as_str()
                .to_string(),
        },
        Method::Iban => VerifyBy::Iban {
            iban: super::iban::saudi_iban(&form.identifier)?,
        },
    };
    Ok(SendOtpRequest { by })
}

/// The redeem request for the Verify screen, or the error to show: a 4-digit code and an
/// amount within what the balance and the order allow.
pub fn redeem_request(form: &MokafaaForm) -> Result<RedeemRequest, ErrorCode> {
    let challenge = form.challenge.as_ref().ok_or(ErrorCode::OtpExpired)?;
    if challenge.expires_in_seconds == 0 {
        return Err(ErrorCode::OtpExpired);
    }
    let otp = loyalty_shared::Otp::parse(&form.otp)
        .ok_or(ErrorCode::OtpInvalid)?
        .as_str()
        .to_string();
    let amount = Money::parse(&form.amount, Currency::Sar)?;
    if amount.minor == 0 {
        return Err(ErrorCode::InvalidAmount);
    }
    if let Some(balance) = &form.balance {
        if amount.minor > balance.max_redeemable.minor {
            return Err(ErrorCode::AmountOverLimit);
        }
        if amount.minor < balance.min_per_order.minor {
            return Err(ErrorCode::AmountUnderMinimum);
        }
    }
    Ok(RedeemRequest {
        challenge_id: challenge.challenge_id.clone(),
        otp,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::reduce;
    use super::super::{Action, WidgetState};
    use super::*;
    use loyalty_shared::Locale;
    use MokafaaAction::*;

    #[test]
    fn switching_method_clears_what_was_typed() {
        let s = reduce(
            WidgetState::new(&[]),
            &[
                EditIdentifier("0501234567".into()).into(),
                SelectMethod(Method::CustomerNumber).into(),
            ],
        );
        assert_eq!(s.mokafaa.method, Method::CustomerNumber);
        assert!(s.mokafaa.identifier.is_empty());
    }

    #[test]
    fn validation_before_any_request() {
        let cases = [
            (
                Method::Mobile,
                "+966 50 123 4567",
                Ok(VerifyBy::Mobile {
                    mobile: "0501234567".into(),
                }),
            ),
            (Method::Mobile, "12345", Err(ErrorCode::InvalidPhone)),
            (
                Method::CustomerNumber,
                "12345",
                Err(ErrorCode::InvalidAccount),
            ),
            (
                Method::Iban,
                "sa03 8000 0000 6080 1016 7519",
                Ok(VerifyBy::Iban {
                    iban: "SA0380000000608010167519".into(),
                }),
            ),
            (
                Method::Iban,
                "SA0380000000608010167518",
                Err(ErrorCode::InvalidAccount),
            ),
            (
                Method::CustomerNumber,
                "1234 5678",
                Ok(VerifyBy::CustomerNumber {
                    customer_number: "12345678".into(),
                }),
            ),
        ];
        for (method, identifier, expected) in cases {
            let form = MokafaaForm {
                method,
                identifier: identifier.into(),
                ..Default::default()
            };
            assert_eq!(
                mokafaa_request(&form).map(|r| r.by),
                expected,
                "{identifier}"
            );
        }
    }

    fn challenge() -> OtpChallenge {
        OtpChallenge {
            challenge_id: "c1".into(),
            masked_destination: "05••••4567".into(),
            expires_in_seconds: 2,
            resend_after_seconds: 1,
            resends_left: 3,
        }
    }

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    #[test]
    fn the_countdown_stops_at_zero_and_screens_follow_the_form() {
        let s = reduce(WidgetState::new(&[]), &[OtpSent(challenge()).into()]);
        assert_eq!(s.mokafaa.screen(), MokafaaScreen::Verify);
        let s = reduce(s, &[Action::Tick, Action::Tick, Action::Tick]);
        let c = s.mokafaa.challenge.as_ref().unwrap();
        assert_eq!((c.expires_in_seconds, c.resend_after_seconds), (0, 0));
        let redemption = Redemption {
            redemption_id: "r1".into(),
            state: RedemptionState::Redeemed,
            points: 2_500,
            discount: sar(1_000),
            balance_points_after: None,
            receipt: "r1.t=1,v1=00".into(),
        };
        let s = reduce(s, &[Redeemed(redemption.clone()).into()]);
        assert_eq!(s.mokafaa.screen(), MokafaaScreen::Redeemed);
        let s = reduce(
            s,
            &[Undone(Redemption {
                state: RedemptionState::Reversed,
                ..redemption
            })
            .into()],
        );
        assert_eq!(s.mokafaa.screen(), MokafaaScreen::Identify);
        assert_eq!(s.mokafaa.returned_points, Some(2_500));
    }

    #[test]
    fn a_retry_of_the_same_request_reuses_its_key_and_a_changed_one_does_not() {
        let request = RedeemRequest {
            challenge_id: "c1".into(),
            otp: "1234".into(),
            amount: sar(1_000),
        };
        let s = reduce(
            WidgetState::new(&[]),
            &[
                OtpSent(challenge()).into(),
                Redeeming(request.clone(), "k1".into()).into(),
                Checking.into(),
                Failed(ApiError::new(ErrorCode::UpstreamUnavailable, Locale::En)).into(),
            ],
        );
        assert!(!s.mokafaa.checking && !s.mokafaa.busy);
        assert_eq!(s.mokafaa.key_for(&request, || "new".into()), "k1");
        let changed = RedeemRequest {
            amount: sar(2_000),
            ..request
        };
        assert_eq!(s.mokafaa.key_for(&changed, || "new".into()), "new");
    }

    #[test]
    fn the_balance_prefills_the_most_the_order_allows() {
        let balance = Balance {
            points: None,
            worth: None,
            max_redeemable: sar(25_000),
            min_per_order: sar(100),
            capped_by: None,
            points_per_sar: None,
        };
        let s = reduce(
            WidgetState::new(&[]),
            &[OtpSent(challenge()).into(), BalanceLoaded(balance).into()],
        );
        assert_eq!(s.mokafaa.amount, "250.00");
        let s = reduce(s, &[EditAmount("12".into()).into(), UseMaximum.into()]);
        assert_eq!(s.mokafaa.amount, "250.00");
        // Without a balance answer there is no maximum to use.
        let s = reduce(WidgetState::new(&[]), &[UseMaximum.into()]);
        assert_eq!(s.mokafaa.amount, "");
    }

    #[test]
    fn redeem_validation_before_the_request() {
        let balance = Balance {
            points: Some(1_000),
            worth: Some(sar(400)),
            max_redeemable: sar(400),
            min_per_order: sar(100),
            capped_by: None,
            points_per_sar: None,
        };
        let mut form = MokafaaForm {
            challenge: Some(challenge()),
            otp: "١٢٣٤".into(),
            amount: "3.50".into(),
            balance: Some(balance),
            ..Default::default()
        };
        let request = redeem_request(&form).unwrap();
        assert_eq!((request.otp.as_str(), request.amount.minor), ("1234", 350));
        form.amount = "4.01".into();
        assert_eq!(redeem_request(&form), Err(ErrorCode::AmountOverLimit));
        form.amount = "0.50".into();
        assert_eq!(redeem_request(&form), Err(ErrorCode::AmountUnderMinimum));
        form.amount = "abc".into();
        assert_eq!(redeem_request(&form), Err(ErrorCode::InvalidAmount));
        form.amount = "1".into();
        form.otp = "12".into();
        assert_eq!(redeem_request(&form), Err(ErrorCode::OtpInvalid));
    }

    #[test]
    fn a_failure_ends_busy_and_editing_clears_the_error() {
        let err = ApiError::new(ErrorCode::UpstreamUnavailable, Locale::En);
        let s = reduce(
            WidgetState::new(&[]),
            &[Sending.into(), Failed(err.clone()).into()],
        );
        assert!(!s.mokafaa.busy);
        assert_eq!(s.mokafaa.error, Some(err));
        let s = reduce(s, &[EditIdentifier("05".into()).into()]);
        assert_eq!(s.mokafaa.error, None);
    }

    #[test]
    fn a_resend_refused_as_too_early_waits_as_the_edge_asked() {
        let too_early = ApiError::new(ErrorCode::ResendTooEarly, Locale::En).with_retry_after(20);
        let s = reduce(
            WidgetState::new(&[]),
            &[
                OtpSent(challenge()).into(),
                Sending.into(),
                Failed(too_early).into(),
            ],
        );
        let wait = s.mokafaa.challenge.as_ref().map(|c| c.resend_after_seconds);
        assert_eq!(wait, Some(20));
    }
}
