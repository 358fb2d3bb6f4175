//! The code's countdown: shown every second, but spoken only when it matters. The visible
//! line is not a live region; a visually hidden polite live region beside it changes its
//! words only at one minute left and at expiry, so a screen reader says each once.

use crate::i18n::{Lang, MokafaaText as Text};
use crate::state::{countdown_notice, CountdownNotice};
use yew::prelude::*;

/// The id of the live region, for tests and `aria-describedby`.
pub const NOTICE_ID: &str = "lc-countdown-notice";

pub fn countdown(seconds: u32, lang: Lang) -> Html {
    let notice = countdown_notice(seconds);
    let (said, kind) = match notice {
        Some(CountdownNotice::OneMinuteLeft) => (lang.t(Text::OneMinuteLeft), "one-minute"),
        Some(CountdownNotice::Expired) => (lang.t(Text::CodeExpired), "expired"),
        None => ("", ""),
    };
    html! { <>
        <p class="lc-countdown" part="countdown" data-seconds={seconds.to_string()}>
            if seconds == 0 { { lang.t(Text::CodeExpired) } }
            else { { lang.t(Text::CodeExpiresIn) }{" "}<bdi dir="ltr">{ lang.clock(seconds) }</bdi> }
        </p>
        <p class="lc-sr-only" id={NOTICE_ID} aria-live="polite" aria-atomic="true" data-notice={kind}>{ said }</p>
    </> }
}
