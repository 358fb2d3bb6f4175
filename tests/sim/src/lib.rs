//! `loyalty-sim`: offline stand-ins for Al Rajhi Mokafaa, Pongo and a transactional email
//! API, faithful to `docs/providers/*.md`, plus a test console under `/__sim`.
//!
//! One listener, path prefixes: `/mokafaa/...` (the bank's real paths after the prefix),
//! `/pongo/v1/...`, `/email/...`, `/sms/...`, `/__sim/...`. State is in memory; `POST
//! /__sim/reset` returns to the seed data written in the README.
//!
//! - [`mokafaa`], [`pongo`], [`sms_verify`]: each provider as `model` (its rules, no HTTP),
//!   `http` (its API) and `console` (its `/__sim/<provider>/...` handlers); [`email`] is
//!   small enough to be one file.
//! - [`console`], [`console_api`], [`console_client`]: the `/__sim` console's routes (all in
//!   one table), its JSON shapes, and the typed client the tests use.
//! - [`clock`], [`faults`]: the simulated clock and the per-operation fault switches.
//! - [`reference_merchant`]: not a provider but the merchant's server (`/shop`), the example
//!   merchants copy.

// Handlers return `Result<_, Response>` where the error is the HTTP answer itself; boxing
// it would only add noise to a test server.
#![allow(clippy::result_large_err)]

pub mod clock;
pub mod console;
pub mod console_api;
pub mod console_client;
pub mod email;
pub mod faults;
pub mod mokafaa;
pub mod pongo;
pub mod reference_merchant;
pub mod sms_verify;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Router;
use clock::SimClock;
use faults::Faults;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// What a handler answers. A refusal is an answer too, so the opening checks (faults, auth,
/// parsing) return it with `?`.
pub type Reply = Result<Response, Response>;

/// A provider call as its handlers see it: the simulator, the path's one parameter
/// (Mokafaa's environment, the SMS service's SID) and the request's headers.
pub(crate) struct Call {
    pub(crate) sim: Sim,
    pub(crate) param: String,
    pub(crate) headers: HeaderMap,
}

impl FromRequestParts<Sim> for Call {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Call, Response> {
        let Path(param) = Path::<String>::from_request_parts(parts, sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call {
            sim: sim.clone(),
            param,
            headers: parts.headers.clone(),
        })
    }
}

/// Shared simulator state, cheap to clone into handlers.
#[derive(Clone)]
pub struct Sim(Arc<SimInner>);

pub struct SimInner {
    pub clock: SimClock,
    pub faults: Faults,
    /// OTPs, tokens and ids come from a CSPRNG, seeded from the OS.
    pub csprng: Mutex<ChaCha20Rng>,
    pub mokafaa: Mutex<mokafaa::Bank>,
    pub pongo: Mutex<pongo::Pongo>,
    pub email: Mutex<email::Outbox>,
    pub sms: Mutex<sms_verify::Service>,
}

impl Sim {
    /// A simulator holding the seed data; `fault_seed` makes fault rolls repeatable.
    pub fn new(fault_seed: u64) -> Sim {
        Sim(Arc::new(SimInner {
            clock: SimClock::default(),
            faults: Faults::new(fault_seed),
            csprng: Mutex::new(ChaCha20Rng::from_entropy()),
            mokafaa: Mutex::new(mokafaa::Bank::seeded()),
            pongo: Mutex::new(pongo::Pongo::seeded()),
            email: Mutex::new(email::Outbox::default()),
            sms: Mutex::new(sms_verify::Service::default()),
        }))
    }

    pub fn clock(&self) -> &SimClock {
        &self.0.clock
    }

    pub fn faults(&self) -> &Faults {
        &self.0.faults
    }

    pub fn now(&self) -> i64 {
        self.0.clock.now()
    }

    pub fn rng(&self) -> MutexGuard<'_, ChaCha20Rng> {
        self.0.csprng.lock().expect("rng lock")
    }

    pub fn bank(&self) -> MutexGuard<'_, mokafaa::Bank> {
        self.0.mokafaa.lock().expect("mokafaa lock")
    }

    pub fn pongo(&self) -> MutexGuard<'_, pongo::Pongo> {
        self.0.pongo.lock().expect("pongo lock")
    }

    pub fn outbox(&self) -> MutexGuard<'_, email::Outbox> {
        self.0.email.lock().expect("email lock")
    }

    pub fn sms(&self) -> MutexGuard<'_, sms_verify::Service> {
        self.0.sms.lock().expect("sms lock")
    }

    /// Back to the seed data, real time and no faults.
    pub fn reset(&self) {
        *self.bank() = mokafaa::Bank::seeded();
        *self.pongo() = pongo::Pongo::seeded();
        *self.outbox() = email::Outbox::default();
        *self.sms() = sms_verify::Service::default();
        self.0.clock.reset();
        self.0.faults.clear();
    }
}

/// The whole simulator as one router.
pub fn app(sim: Sim) -> Router {
    Router::new()
        .nest("/mokafaa", mokafaa::router())
        .nest("/pongo", pongo::router())
        .nest("/email", email::router())
        .nest("/sms", sms_verify::router())
        .nest("/__sim", console::router())
        .with_state(sim)
}

/// The simulators and, under `/shop`, the demo store's server (see [`reference_merchant`]).
pub fn app_with_reference_merchant(sim: Sim, merchant: reference_merchant::Config) -> Router {
    Router::new()
        .nest(
            "/shop",
            reference_merchant::router(merchant).with_state(sim.clone()),
        )
        .merge(app(sim))
}

/// Serves the simulator on `addr` (port 0 picks a free one) in the background; for tests.
pub async fn spawn(addr: &str, fault_seed: u64) -> std::io::Result<(SocketAddr, Sim)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let sim = Sim::new(fault_seed);
    let router = app(sim.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((local, sim))
}
