//! The program tabs, as the WAI-ARIA tabs pattern: a `tablist` of `tab`s controlling one
//! `tabpanel`; only the selected tab is a tab stop (roving `tabindex`); Left/Right move to
//! the previous/next tab (mirrored in right-to-left), Home/End to the first/last, and a
//! tab is selected as it gets focus.

use crate::i18n::{FrameText, Lang};
use loyalty_shared::api::Program;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// The id of the panel every tab controls.
pub const PANEL_ID: &str = "lc-panel";

/// The id of a program's tab.
pub fn tab_id(program: Program) -> &'static str {
    match program {
        Program::Mokafaa => "lc-tab-mokafaa",
        Program::Pongo => "lc-tab-pongo",
    }
}

/// The tab a key moves to from `current`, or None for a key the tabs do not use.
pub fn tab_for_key(
    programs: &[Program],
    current: Program,
    key: &str,
    rtl: bool,
) -> Option<Program> {
    let at = programs.iter().position(|p| *p == current)?;
    let last = programs.len().checked_sub(1)?;
    let (back, forward) = if rtl {
        ("ArrowRight", "ArrowLeft")
    } else {
        ("ArrowLeft", "ArrowRight")
    };
    let to = match key {
        "Home" => 0,
        "End" => last,
        k if k == forward => (at + 1) % programs.len(),
        k if k == back => at.checked_sub(1).unwrap_or(last),
        _ => return None,
    };
    programs.get(to).copied()
}

/// The tab list, one tab a program; `on_select` hears the program chosen by click or key.
pub fn tabs(
    programs: &[Program],
    selected: Program,
    on_select: &Callback<Program>,
    lang: Lang,
) -> Html {
    let rtl = lang.locale.dir() == "rtl";
    let tab = |program: Program| {
        let is_selected = program == selected;
        let onkeydown = {
            let (programs, on_select) = (programs.to_vec(), on_select.clone());
            Callback::from(move |e: KeyboardEvent| {
                if let Some(to) = tab_for_key(&programs, program, &e.key(), rtl) {
                    e.prevent_default();
                    focus_tab(&e, to);
                    on_select.emit(to);
                }
            })
        };
        html! {
            <button type="button" role="tab" id={tab_id(program)} part="tab"
                class="lc-tab"
                aria-selected={is_selected.to_string()} aria-controls={PANEL_ID}
                tabindex={if is_selected { "0" } else { "-1" }}
                onclick={on_select.reform(move |_| program)} {onkeydown}>
                { lang.t(program) }
            </button>
        }
    };
    html! {
        <div class="lc-tabs" role="tablist" part="tabs" aria-label={lang.t(FrameText::Programs)}>
            { for programs.iter().copied().map(tab) }
        </div>
    }
}

/// Moves focus to `program`'s tab, a sibling of the tab the key was pressed on.
fn focus_tab(event: &KeyboardEvent, program: Program) {
    let tab = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.parent_element())
        .and_then(|list| {
            list.query_selector(&format!("#{}", tab_id(program)))
                .ok()
                .flatten()
        })
        .and_then(|t| t.dyn_into::<HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Program::*;

    #[test]
    fn keys_move_along_the_tabs_and_wrap() {
        let both = [Mokafaa, Pongo];
        let cases = [
            (Mokafaa, "ArrowRight", false, Some(Pongo)),
            (Pongo, "ArrowRight", false, Some(Mokafaa)),
            (Mokafaa, "ArrowLeft", false, Some(Pongo)),
            (Pongo, "ArrowLeft", false, Some(Mokafaa)),
            (Pongo, "Home", false, Some(Mokafaa)),
            (Mokafaa, "End", false, Some(Pongo)),
            // Right to left: the next tab is on the left.
            (Mokafaa, "ArrowLeft", true, Some(Pongo)),
            (Mokafaa, "Home", true, Some(Mokafaa)),
            (Mokafaa, "Enter", false, None),
            (Mokafaa, "a", true, None),
        ];
        for (from, key, rtl, expected) in cases {
            assert_eq!(
                tab_for_key(&both, from, key, rtl),
                expected,
                "{from:?} {key} {rtl}"
            );
        }
        assert_eq!(tab_for_key(&[Pongo], Mokafaa, "Home", false), None);
    }
}
