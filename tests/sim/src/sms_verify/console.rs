//! `/__sim/sms/inbox` (routed in [`crate::console`]): what the shopper's phone shows.

use crate::console::texted;
use crate::console_api::{InboxQuery, TextedCode};
use crate::{Reply, Sim};
use axum::extract::{Query, State};

/// The last code texted to a number (`+9665...`).
pub(crate) async fn inbox(State(sim): State<Sim>, Query(q): Query<InboxQuery>) -> Reply {
    let service = sim.sms();
    texted(service.last_texted(&q.to).map(TextedCode::from), "code")
}
