//! The frame's words: what the program tabs are, for screen readers.

use super::Label;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameText {
    /// The tab list's accessible name.
    Programs,
}

impl Label for FrameText {
    fn en(self) -> &'static str {
        match self {
            FrameText::Programs => "Loyalty programs",
        }
    }

    fn ar(self) -> &'static str {
        match self {
            FrameText::Programs => "برامج الولاء",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            FrameText::Programs => "Programmes de fidélité",
        }
    }
}
