//! Pongo's part of the state: the enlist form, the member card's data, their actions and
//! reducer, and the validation of the enlist request.

use loyalty_shared::api::{EarnPreview, EnlistRequest, PongoCodeSent, PongoMember};
use loyalty_shared::{ApiError, ErrorCode, InternationalPhone};

/// The Saudi calling code, used to read a local number typed on the Pongo form.
const DEFAULT_CALLING_CODE: &str = loyalty_shared::phone::SAUDI_CALLING_CODE;

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
    /// What this cart earns, before the shopper joins (the reason to join).
    pub preview: Option<EarnPreview>,
}

/// What can happen to the Pongo form: the shopper's input, the edge's answers and the
/// host page's news.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PongoAction {
    EditPhone(String),
    AnswerEmailOptin(bool),
    AnswerSmsOptin(bool),
    /// The form was submitted but did not validate.
    Invalid(ApiError),
    Sending,
    Failed(ApiError),
    Enlisted(PongoMember),
    /// A code was texted to the member's phone.
    CodeSent(PongoCodeSent),
    EditCode(String),
    /// What the cart earns, from the session or after the cart changed.
    EarnPreviewUpdated(EarnPreview),
    /// The host page placed the order; Pongo credited these points.
    OrderEarned(u64),
}

/// The Pongo reducer: the form after `action`.
pub fn reduce(form: &mut PongoForm, action: PongoAction) {
    use PongoAction::*;
    match action {
        EditPhone(value) => edited(form, |f| f.phone = value),
        AnswerEmailOptin(answer) => edited(form, |f| f.email_optin = Some(answer)),
        AnswerSmsOptin(answer) => edited(form, |f| f.sms_optin = Some(answer)),
        EditCode(value) => edited(form, |f| f.code = value),
        Invalid(error) | Failed(error) => {
            form.error = Some(error);
            form.busy = false;
        }
        Sending => {
            form.busy = true;
            form.error = None;
        }
        Enlisted(member) => {
            form.busy = false;
            if member.verified {
                form.code_sent = None;
                form.code.clear();
            }
            form.member = Some(member);
        }
        CodeSent(sent) => {
            form.busy = false;
            form.code.clear();
            form.code_sent = Some(sent);
        }
        // Only a member's order earns: without one there is nobody to tell.
        OrderEarned(points) if form.member.is_some() => form.earned = Some(points),
        OrderEarned(_) => {}
        EarnPreviewUpdated(preview) => {
            if let Some(member) = form.member.as_mut() {
                member.earn_preview = preview.clone();
            }
            form.preview = Some(preview);
        }
    }
}

/// The shopper typed or answered: the old error no longer applies.
fn edited(form: &mut PongoForm, change: impl FnOnce(&mut PongoForm)) {
    change(form);
    form.error = None;
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
    use super::super::tests::reduce;
    use super::super::WidgetState;
    use super::*;
    use loyalty_shared::api::Program;
    use loyalty_shared::{Currency, Money};
    use PongoAction::*;

    #[test]
    fn a_cart_change_updates_the_members_earn_preview() {
        let preview = |minor: u64, points: u64| EarnPreview {
            amount: Money::from_minor(minor, Currency::Sar).unwrap(),
            points,
            minimum: None,
        };
        // Before enlisting, what the cart would earn.
        let s = reduce(
            WidgetState::new(&[Program::Pongo]),
            &[EarnPreviewUpdated(preview(1000, 15)).into()],
        );
        assert_eq!(s.pongo.member, None);
        assert_eq!(s.pongo.preview.as_ref().map(|p| p.points), Some(15));
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
                Enlisted(member).into(),
                EarnPreviewUpdated(preview(5000, 75)).into(),
            ],
        );
        let member = s.pongo.member.as_ref().unwrap();
        assert_eq!((member.earn_preview.points, member.points), (75, Some(10)));
        assert_eq!(s.pongo.earned, None);
        let s = reduce(s, &[OrderEarned(75).into()]);
        assert_eq!(s.pongo.earned, Some(75));
    }

    #[test]
    fn an_order_placed_without_a_member_shows_nothing() {
        let s = reduce(
            WidgetState::new(&[Program::Pongo]),
            &[OrderEarned(75).into()],
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
}
