//! The widget's state machine: plain Rust, tested natively. The Yew views only render a
//! [`WidgetState`] and dispatch [`Action`]s; network calls happen in the view shell and come
//! back as actions.

use loyalty_shared::api::{
    EnlistRequest, OtpChallenge, PongoMember, Program, SendOtpRequest, VerifyBy,
};
use loyalty_shared::{ApiError, CustomerNumber, ErrorCode, InternationalPhone, SaudiMobile};
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
}

/// The Mokafaa part of the widget.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MokafaaForm {
    pub method: Method,
    pub identifier: String,
    pub error: Option<ApiError>,
    pub busy: bool,
    pub challenge: Option<OtpChallenge>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetState {
    pub programs: Vec<Program>,
    pub program: Program,
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
    OtpSent(OtpChallenge),
    MokafaaFailed(ApiError),
    EditPongoPhone(String),
    AnswerEmailOptin(bool),
    AnswerSmsOptin(bool),
    PongoInvalid(ApiError),
    PongoSending,
    PongoFailed(ApiError),
    Enlisted(PongoMember),
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
            }
            Action::MokafaaSending => {
                next.mokafaa.busy = true;
                next.mokafaa.error = None;
            }
            Action::OtpSent(challenge) => {
                next.mokafaa.busy = false;
                next.mokafaa.challenge = Some(challenge);
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
                next.pongo.member = Some(member);
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
    };
    Ok(SendOtpRequest { by })
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
        form.identifier = "1234 5678".into();
        assert_eq!(
            mokafaa_request(&form).unwrap().by,
            VerifyBy::CustomerNumber {
                customer_number: "12345678".into()
            }
        );
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
