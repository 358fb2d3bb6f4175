//! The widget's state machine: plain Rust, tested natively. The Yew views only render a
//! [`WidgetState`] and dispatch [`Action`]s; network calls happen in the view shell and come
//! back as actions.

use loyalty_shared::api::{
    Balance, EarnPreview, EnlistRequest, OtpChallenge, PongoCodeSent, PongoMember, Program,
    RedeemRequest, Redemption, RedemptionState, SendOtpRequest, VerifyBy,
};
use loyalty_shared::{
    ApiError, Currency, CustomerNumber, ErrorCode, InternationalPhone, Money, SaudiIban,
    SaudiMobile,
};
use std::rc::Rc;
use yew::Reducible;

/// The Saudi calling code, used to read a local number typed on the Pongo form.
const DEFAULT_CALLING_CODE: &str = loyalty_shared::phone::SAUDI_CALLING_CODE;

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
    /// The live challenge; its seconds count down with [`Action::Tick`].
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

impl MokafaaForm {
    /// The key for `request`: the kept one when it is the same request, else `fresh`.
    pub fn key_for(&self, request: &RedeemRequest, fresh: impl FnOnce() -> String) -> String {
        match &self.attempt {
            Some((kept, key)) if kept == request => key.clone(),
            _ => fresh(),
        }
    }
}

/// Which Mokafaa screen to show, derived from the form so it can never disagree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MokafaaScreen {
    Identify,
    Verify,
    Redeemed,
}

impl MokafaaForm {
    pub fn screen(&self) -> MokafaaScreen {
        match (&self.redemption, &self.challenge) {
            (Some(r), _) if r.state != RedemptionState::Reversed => MokafaaScreen::Redeemed,
            (_, Some(_)) => MokafaaScreen::Verify,
            _ => MokafaaScreen::Identify,
        }
    }
}

/// The Pongo enlist form. Opt-ins start unanswered: consent is never assumed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PongoForm {
    pub phone: String,
    pub email_optin: Option<bool>,
    pub sms_optin: Option<bool>,
    pub error: Option<ApiError>,
    pub busy: bool,
    pub member: Option<PongoMember>,
    /// The points the paid order earned, once the host page says it was placed.
    pub earned: Option<u64>,
    /// A code was texted to prove the phone (an existing member's card stays locked until).
    pub code_sent: Option<PongoCodeSent>,
    /// The code as typed.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetState {
    pub programs: Vec<Program>,
    pub program: Program,
    /// The session token once the edge granted one.
    pub session: Option<String>,
    pub accepts_iban: bool,
    pub session_error: Option<ApiError>,
    pub mokafaa: MokafaaForm,
    pub pongo: PongoForm,
}

impl WidgetState {
    /// Starts on the first program offered; Mokafaa when the host page names none.
    pub fn new(programs: &[Program]) -> Self {
        let programs = if programs.is_empty() {
            vec![Program::Mokafaa, Program::Pongo]
        } else {
            programs.to_vec()
        };
        WidgetState {
            program: programs[0],
            programs,
            session: None,
            accepts_iban: false,
            session_error: None,
            mokafaa: MokafaaForm::default(),
            pongo: PongoForm::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SelectProgram(Program),
    SelectMethod(Method),
    EditIdentifier(String),
    /// The form was submitted but did not validate.
    MokafaaInvalid(ApiError),
    MokafaaSending,
    /// A redemption attempt goes out with this key (kept until it is answered).
    Redeeming(RedeemRequest, String),
    /// The attempt's answer was lost or is in progress at the edge: retrying with its key.
    Checking,
    OtpSent(OtpChallenge),
    MokafaaFailed(ApiError),
    SessionStarted {
        token: String,
        accepts_iban: bool,
    },
    SessionFailed(ApiError),
    /// One second passed: countdowns move.
    Tick,
    EditOtp(String),
    EditAmount(String),
    BalanceLoaded(Balance),
    Redeemed(Redemption),
    /// The shopper's undo finished (or was accepted and is finishing).
    Undone(Redemption),
    /// Back to the first screen to use another number.
    StartOver,
    EditPongoPhone(String),
    AnswerEmailOptin(bool),
    AnswerSmsOptin(bool),
    PongoInvalid(ApiError),
    PongoSending,
    PongoFailed(ApiError),
    Enlisted(PongoMember),
    /// A code was texted to the member's phone.
    PongoCodeSent(PongoCodeSent),
    EditPongoCode(String),
    /// The cart changed and the edge computed what it earns now.
    EarnPreviewUpdated(EarnPreview),
    /// The host page placed the order; Pongo credited these points.
    OrderEarned(u64),
}

impl Reducible for WidgetState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SelectProgram(program) if next.programs.contains(&program) => {
                next.program = program
            }
            Action::SelectProgram(_) => return self,
            Action::SelectMethod(method) => {
                if next.mokafaa.method != method {
                    next.mokafaa.method = method;
                    next.mokafaa.identifier.clear();
                    next.mokafaa.error = None;
                }
            }
            Action::EditIdentifier(value) => {
                next.mokafaa.identifier = value;
                next.mokafaa.error = None;
            }
            Action::MokafaaInvalid(error) | Action::MokafaaFailed(error) => {
                next.mokafaa.error = Some(error);
                next.mokafaa.busy = false;
                next.mokafaa.checking = false;
            }
            Action::MokafaaSending => {
                next.mokafaa.busy = true;
                next.mokafaa.error = None;
            }
            Action::Redeeming(request, key) => {
                next.mokafaa.busy = true;
                next.mokafaa.error = None;
                next.mokafaa.checking = false;
                next.mokafaa.attempt = Some((request, key));
            }
            Action::Checking => next.mokafaa.checking = true,
            Action::OtpSent(challenge) => {
                next.mokafaa.busy = false;
                next.mokafaa.challenge = Some(challenge);
                next.mokafaa.otp.clear();
                next.mokafaa.returned_points = None;
            }
            Action::SessionStarted {
                token,
                accepts_iban,
            } => {
                next.session = Some(token);
                next.accepts_iban = accepts_iban;
                next.session_error = None;
            }
            Action::SessionFailed(error) => next.session_error = Some(error),
            Action::Tick => match next.mokafaa.challenge.as_mut() {
                Some(c) if c.expires_in_seconds > 0 || c.resend_after_seconds > 0 => {
                    c.expires_in_seconds = c.expires_in_seconds.saturating_sub(1);
                    c.resend_after_seconds = c.resend_after_seconds.saturating_sub(1);
                }
                // Nothing moves: keep the same state so nothing re-renders.
                _ => return self,
            },
            Action::EditOtp(value) => {
                next.mokafaa.otp = value;
                next.mokafaa.error = None;
            }
            Action::EditAmount(value) => {
                next.mokafaa.amount = value;
                next.mokafaa.error = None;
            }
            Action::BalanceLoaded(balance) => {
                if next.mokafaa.amount.is_empty() {
                    next.mokafaa.amount = balance.max_redeemable.to_decimal_string();
                }
                next.mokafaa.balance = Some(balance);
            }
            Action::Redeemed(redemption) => {
                next.mokafaa.busy = false;
                next.mokafaa.checking = false;
                next.mokafaa.attempt = None;
                next.mokafaa.redemption = Some(redemption);
            }
            Action::Undone(redemption) => {
                next.mokafaa = MokafaaForm {
                    method: next.mokafaa.method,
                    returned_points: Some(redemption.points),
                    ..MokafaaForm::default()
                };
            }
            Action::StartOver => {
                next.mokafaa = MokafaaForm {
                    method: next.mokafaa.method,
                    ..MokafaaForm::default()
                };
            }
            Action::EditPongoPhone(value) => {
                next.pongo.phone = value;
                next.pongo.error = None;
            }
            Action::AnswerEmailOptin(answer) => {
                next.pongo.email_optin = Some(answer);
                next.pongo.error = None;
            }
            Action::AnswerSmsOptin(answer) => {
                next.pongo.sms_optin = Some(answer);
                next.pongo.error = None;
            }
            Action::PongoInvalid(error) | Action::PongoFailed(error) => {
                next.pongo.error = Some(error);
                next.pongo.busy = false;
            }
            Action::Enlisted(member) => {
                next.pongo.busy = false;
                if member.verified {
                    next.pongo.code_sent = None;
                    next.pongo.code.clear();
                }
                next.pongo.member = Some(member);
            }
            Action::OrderEarned(points) => {
                // Only a member's order earns: without one there is nobody to tell.
                if next.pongo.member.is_some() {
                    next.pongo.earned = Some(points);
                }
            }
            Action::EarnPreviewUpdated(preview) => {
                if let Some(member) = next.pongo.member.as_mut() {
                    member.earn_preview = preview;
                }
            }
            Action::PongoCodeSent(sent) => {
                next.pongo.busy = false;
                next.pongo.code.clear();
                next.pongo.code_sent = Some(sent);
            }
            Action::EditPongoCode(value) => {
                next.pongo.code = value;
                next.pongo.error = None;
            }
            Action::PongoSending => {
                next.pongo.busy = true;
                next.pongo.error = None;
            }
        }
        Rc::new(next)
    }
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
            iban: SaudiIban::parse(&form.identifier)?.as_str().to_string(),
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

/// The enlist request, refusing unless both opt-in questions were answered.
pub fn pongo_request(form: &PongoForm) -> Result<EnlistRequest, ErrorCode> {
    let phone = InternationalPhone::parse(&form.phone, Some(DEFAULT_CALLING_CODE))?;
    if form.email_optin.is_none() || form.sms_optin.is_none() {
        return Err(ErrorCode::OptinRequired);
    }
    Ok(EnlistRequest {
        phone: phone.as_digits().to_string(),
        email: None,
        email_optin: form.email_optin,
        sms_optin: form.sms_optin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::Locale;

    fn reduce(state: WidgetState, actions: &[Action]) -> WidgetState {
        let mut rc = Rc::new(state);
        for a in actions {
            rc = rc.reduce(a.clone());
        }
        (*rc).clone()
    }

    #[test]
    fn starts_on_the_first_offered_program() {
        assert_eq!(WidgetState::new(&[]).program, Program::Mokafaa);
        assert_eq!(WidgetState::new(&[Program::Pongo]).program, Program::Pongo);
        // A program the host page did not offer cannot be selected.
        let s = reduce(
            WidgetState::new(&[Program::Pongo]),
            &[Action::SelectProgram(Program::Mokafaa)],
        );
        assert_eq!(s.program, Program::Pongo);
    }

    #[test]
    fn switching_method_clears_what_was_typed() {
        let s = reduce(
            WidgetState::new(&[]),
            &[
                Action::EditIdentifier("0501234567".into()),
                Action::SelectMethod(Method::CustomerNumber),
            ],
        );
        assert_eq!(s.mokafaa.method, Method::CustomerNumber);
        assert!(s.mokafaa.identifier.is_empty());
    }

    #[test]
    fn validation_before_any_request() {
        let mut form = MokafaaForm {
            identifier: "+966 50 123 4567".into(),
            ..Default::default()
        };
        assert_eq!(
            mokafaa_request(&form).unwrap().by,
            VerifyBy::Mobile {
                mobile: "0501234567".into()
            }
        );
        form.identifier = "12345".into();
        assert_eq!(mokafaa_request(&form), Err(ErrorCode::InvalidPhone));
        form.method = Method::CustomerNumber;
        assert_eq!(mokafaa_request(&form), Err(ErrorCode::InvalidAccount));
        form.method = Method::Iban;
        form.identifier = "sa03 8000 0000 6080 1016 7519".into();
        assert_eq!(
            mokafaa_request(&form).unwrap().by,
            VerifyBy::Iban {
                iban: "SA0380000000608010167519".into()
            }
        );
        form.identifier = "SA0380000000608010167518".into();
        assert_eq!(mokafaa_request(&form), Err(ErrorCode::InvalidAccount));
        form.method = Method::CustomerNumber;
        form.identifier = "1234 5678".into();
        assert_eq!(
            mokafaa_request(&form).unwrap().by,
            VerifyBy::CustomerNumber {
                customer_number: "12345678".into()
            }
        );
    }

    #[test]
    fn a_cart_change_updates_the_members_earn_preview() {
        let preview = |minor: u64, points: u64| EarnPreview {
            amount: Money::from_minor(minor, Currency::Sar).unwrap(),
            points,
            minimum: None,
        };
        // Before enlisting there is nothing to update.
        let s = reduce(
            WidgetState::new(&[Program::Pongo]),
            &[Action::EarnPreviewUpdated(preview(1000, 15))],
        );
        assert_eq!(s.pongo.member, None);
        let member = PongoMember {
            masked_phone: "9665••••4567".into(),
            points: Some(10),
            verified: true,
            can_verify: false,
            earn_preview: preview(1000, 15),
            new_member: true,
            rewards: vec![],
        };
        let s = reduce(
            s,
            &[
                Action::Enlisted(member),
                Action::EarnPreviewUpdated(preview(5000, 75)),
            ],
        );
        let member = s.pongo.member.as_ref().unwrap();
        assert_eq!((member.earn_preview.points, member.points), (75, Some(10)));
        assert_eq!(s.pongo.earned, None);
        let s = reduce(s, &[Action::OrderEarned(75)]);
        assert_eq!(s.pongo.earned, Some(75));
    }

    #[test]
    fn an_order_placed_without_a_member_shows_nothing() {
        let s = reduce(
            WidgetState::new(&[Program::Pongo]),
            &[Action::OrderEarned(75)],
        );
        assert_eq!(s.pongo.earned, None);
    }

    #[test]
    fn pongo_needs_both_optins_answered_even_when_no() {
        let mut form = PongoForm {
            phone: "0501234567".into(),
            ..Default::default()
        };
        assert_eq!(pongo_request(&form), Err(ErrorCode::OptinRequired));
        form.email_optin = Some(false);
        assert_eq!(pongo_request(&form), Err(ErrorCode::OptinRequired));
        form.sms_optin = Some(false);
        let req = pongo_request(&form).unwrap();
        assert_eq!(req.phone, "966501234567");
        assert_eq!((req.email_optin, req.sms_optin), (Some(false), Some(false)));
        form.phone = "abc".into();
        assert_eq!(pongo_request(&form), Err(ErrorCode::InvalidPhone));
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
        let s = reduce(WidgetState::new(&[]), &[Action::OtpSent(challenge())]);
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
        let s = reduce(s, &[Action::Redeemed(redemption.clone())]);
        assert_eq!(s.mokafaa.screen(), MokafaaScreen::Redeemed);
        let s = reduce(
            s,
            &[Action::Undone(Redemption {
                state: RedemptionState::Reversed,
                ..redemption
            })],
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
                Action::OtpSent(challenge()),
                Action::Redeeming(request.clone(), "k1".into()),
                Action::Checking,
                Action::MokafaaFailed(ApiError::new(ErrorCode::UpstreamUnavailable, Locale::En)),
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
        };
        let s = reduce(
            WidgetState::new(&[]),
            &[Action::OtpSent(challenge()), Action::BalanceLoaded(balance)],
        );
        assert_eq!(s.mokafaa.amount, "250.00");
    }

    #[test]
    fn redeem_validation_before_the_request() {
        let balance = Balance {
            points: Some(1_000),
            worth: Some(sar(400)),
            max_redeemable: sar(400),
            min_per_order: sar(100),
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
            &[Action::MokafaaSending, Action::MokafaaFailed(err.clone())],
        );
        assert!(!s.mokafaa.busy);
        assert_eq!(s.mokafaa.error, Some(err));
        let s = reduce(s, &[Action::EditIdentifier("05".into())]);
        assert_eq!(s.mokafaa.error, None);
    }
}
