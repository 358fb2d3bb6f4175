//! The widget's state machine: plain Rust, tested natively. The views only render a
//! [`WidgetState`] and dispatch [`Action`]s; network calls happen in [`crate::effects`] and
//! come back as actions. Each provider has its own form, actions and reducer
//! ([`mokafaa`], [`pongo`]); this module holds what they share (program tabs, the session,
//! the clock) and routes each action to its reducer.

pub mod fields;
mod iban;
pub mod mokafaa;
pub mod pongo;
pub mod verify;

pub use fields::Field;
pub use mokafaa::{
    mokafaa_request, redeem_request, Method, MokafaaAction, MokafaaForm, MokafaaScreen,
};
pub use pongo::{pongo_request, PongoAction, PongoForm};
pub use verify::{countdown_notice, Cap, CapReason, CountdownNotice};

use loyalty_shared::api::Program;
use loyalty_shared::ApiError;
use std::rc::Rc;
use yew::Reducible;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetState {
    /// The programs the host page offers, in its order: a tab each when there are two.
    pub programs: Vec<Program>,
    /// The program shown.
    pub program: Program,
    pub session: SessionState,
    pub mokafaa: MokafaaForm,
    pub pongo: PongoForm,
}

/// The widget's session with the edge: every shopper request needs its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    /// The session token once the edge granted one.
    pub token: Option<String>,
    /// The ways to verify for Mokafaa the merchant offers, in order: the session says so.
    pub methods: Vec<Method>,
    /// Why the session could not be opened: said once, above both programs.
    pub error: Option<ApiError>,
}

impl Default for SessionState {
    /// Before the session answers: mobile and customer number, as every merchant had them.
    fn default() -> Self {
        SessionState {
            token: None,
            methods: vec![Method::Mobile, Method::CustomerNumber],
            error: None,
        }
    }
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
            session: SessionState::default(),
            mokafaa: MokafaaForm::default(),
            pongo: PongoForm::default(),
        }
    }

    /// Keeps the programs that are `offered`, in the host page's order, showing the first
    /// when the one shown is gone. An answer naming none of them (an older edge) changes
    /// nothing: the edge still refuses what is not set up.
    fn offer_only(&mut self, offered: &[Program]) {
        let kept: Vec<Program> = self
            .programs
            .iter()
            .copied()
            .filter(|p| offered.contains(p))
            .collect();
        if let Some(&first) = kept.first() {
            if !kept.contains(&self.program) {
                self.program = first;
            }
            self.programs = kept;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SelectProgram(Program),
    SessionStarted {
        token: String,
        methods: Vec<Method>,
    },
    SessionFailed(ApiError),
    /// One second passed: countdowns move.
    Tick,
    /// The programs the merchant offers at this checkout, as the session says: only those
    /// of the host page's that are also offered stay.
    ProgramsOffered(Vec<Program>),
    Mokafaa(MokafaaAction),
    Pongo(PongoAction),
}

impl From<MokafaaAction> for Action {
    fn from(action: MokafaaAction) -> Self {
        Action::Mokafaa(action)
    }
}

impl From<PongoAction> for Action {
    fn from(action: PongoAction) -> Self {
        Action::Pongo(action)
    }
}

impl Reducible for WidgetState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SelectProgram(program) if next.programs.contains(&program) => {
                next.program = program
            }
            Action::SessionStarted { token, methods } => {
                // A way the store does not offer is not left chosen.
                if let Some(first) = methods
                    .first()
                    .filter(|_| !methods.contains(&next.mokafaa.method))
                {
                    next.mokafaa.method = *first;
                }
                next.session = SessionState {
                    token: Some(token),
                    methods,
                    error: None,
                }
            }
            Action::SessionFailed(error) => next.session.error = Some(error),
            Action::ProgramsOffered(offered) => next.offer_only(&offered),
            Action::Tick if next.mokafaa.tick() => {}
            Action::Mokafaa(action) => mokafaa::reduce(&mut next.mokafaa, action),
            Action::Pongo(action) => pongo::reduce(&mut next.pongo, action),
            // A program not offered, or a second in which nothing moves: keep the same
            // state so nothing re-renders.
            Action::SelectProgram(_) | Action::Tick => return self,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The state after `actions`, one by one, as the widget's reducer applies them.
    pub fn reduce(state: WidgetState, actions: &[Action]) -> WidgetState {
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
    fn only_the_programs_the_session_offers_stay() {
        use Program::*;
        let cases = [
            (vec![Mokafaa, Pongo], vec![Pongo], vec![Pongo], Pongo),
            (
                vec![Pongo, Mokafaa],
                vec![Mokafaa, Pongo],
                vec![Pongo, Mokafaa],
                Pongo,
            ),
            (vec![Mokafaa], vec![Pongo], vec![Mokafaa], Mokafaa),
            (vec![Mokafaa, Pongo], vec![], vec![Mokafaa, Pongo], Mokafaa),
        ];
        for (page, offered, programs, shown) in cases {
            let s = reduce(
                WidgetState::new(&page),
                &[Action::ProgramsOffered(offered.clone())],
            );
            assert_eq!(
                (s.programs, s.program),
                (programs, shown),
                "{page:?} {offered:?}"
            );
        }
    }

    #[test]
    fn a_second_without_a_countdown_keeps_the_same_state() {
        let state = Rc::new(WidgetState::new(&[]));
        assert!(Rc::ptr_eq(&state, &state.clone().reduce(Action::Tick)));
    }

    #[test]
    fn the_first_offered_way_to_verify_is_chosen_when_the_default_is_not_offered() {
        let started = |methods: Vec<Method>| Action::SessionStarted {
            token: "t".into(),
            methods,
        };
        let s = reduce(
            WidgetState::new(&[]),
            &[started(vec![Method::CustomerNumber, Method::Iban])],
        );
        assert_eq!(s.mokafaa.method, Method::CustomerNumber);
        assert_eq!(s.session.methods, [Method::CustomerNumber, Method::Iban]);
        // The shopper's own choice stays when it is offered.
        let s = reduce(
            WidgetState::new(&[]),
            &[
                Action::Mokafaa(MokafaaAction::SelectMethod(Method::Iban)),
                started(vec![Method::Mobile, Method::Iban]),
            ],
        );
        assert_eq!(s.mokafaa.method, Method::Iban);
    }
}
