//! The browser tests' harness: the widget mounted into a shadow root exactly as `embed.js`
//! does, an in-browser fake edge (`window.fetch` answers `http://edge.test` from a table,
//! no port is opened), a controllable clock for the countdown (`setInterval` held while it
//! is on), the edge's answers as the shared types read them, the events the host element
//! hears, and the DOM helpers a test drives the widget with, as a shopper would.

#![allow(dead_code)]

use loyalty_shared::api::{
    Balance, OtpChallenge, PongoMember, Redemption, SessionStarted, WidgetConfig,
};
use loyalty_shared::ErrorBody;
use loyalty_widget::host::{REDEEMED_EVENT, REVERSED_EVENT};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::cell::Cell;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The fake edge's origin.
pub const EDGE: &str = "http://edge.test";
/// A closed port: nothing answers there.
pub const NO_EDGE: &str = "http://127.0.0.1:9";
/// The merchant every test widget is mounted for.
pub const MERCHANT: &str = "demo";

thread_local! {
    static CARTS: Cell<u32> = const { Cell::new(0) };
}

/// A mounted widget: its host element and shadow root.
pub struct Widget {
    pub host: Element,
    pub root: ShadowRoot,
}

/// Mounts a widget in `locale` offering `programs` (JSON names, comma separated; empty for
/// every program) against the edge at `api_base`, for a cart of its own (a session kept by
/// an earlier test is never taken up).
pub fn mount(api_base: &str, locale: &str, programs: &str) -> Widget {
    mount_cart(api_base, locale, programs, &new_cart())
}

/// A cart id no other test uses.
pub fn new_cart() -> String {
    let n = CARTS.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    format!("browser-{}-{n}", js_now())
}

/// Mounts a widget for `cart`: a second one for the same cart is the page reloaded.
pub fn mount_cart(api_base: &str, locale: &str, programs: &str, cart: &str) -> Widget {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let root = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap();
    // What the store's page hears from the widget, kept on its host element.
    let listen = "a.__lcHeard = [];
        for (const name of [b, c]) a.addEventListener(name, e => a.__lcHeard.push({ name, detail: e.detail }));";
    js(
        listen,
        &[&host, &REDEEMED_EVENT.into(), &REVERSED_EVENT.into()],
    );
    let config = json!({
        "api_base": api_base, "merchant_id": MERCHANT, "cart_id": cart,
        "amount": {"minor": 25000, "currency": "SAR"}, "locale": locale,
        "programs": serde_json::from_str::<Value>(&format!("[{programs}]")).unwrap(),
    });
    // The config must be a valid WidgetConfig: the same type embed.js's JSON is read into.
    checked::<WidgetConfig>(&config);
    loyalty_widget::mount(root.clone(), &config.to_string()).unwrap();
    Widget { host, root }
}

fn js_now() -> u64 {
    js_sys::Date::now() as u64
}

/// `value`, after checking it reads as the shared type `T` (so the fake edge answers what
/// the real one would).
pub fn checked<T: DeserializeOwned>(value: &Value) -> Value {
    serde_json::from_value::<T>(value.clone())
        .unwrap_or_else(|e| panic!("{value} is not a {}: {e}", std::any::type_name::<T>()));
    value.clone()
}

/// Runs `body` as a JavaScript function of `args` (named `a`, `b`, ...).
pub fn js(body: &str, args: &[&JsValue]) -> JsValue {
    let names = ["a", "b", "c"][..args.len()].join(",");
    let function = js_sys::Function::new_with_args(&names, body);
    let array: js_sys::Array = args.iter().copied().collect();
    function.apply(&JsValue::NULL, &array).unwrap()
}

/// One answer of the fake edge.
pub fn answer(status: u16, body: Value) -> Value {
    json!({"status": status, "body": body})
}

/// An error answer, as the edge's error contract has it.
pub fn error(status: u16, error: Value) -> Value {
    answer(status, checked::<ErrorBody>(&json!({ "error": error })))
}

/// Which limit sets `max_minor` on the fake 250.00 SAR cart, as the edge says it.
fn cap_reason(points: u64, max_minor: u64) -> &'static str {
    if max_minor == 25_000 {
        "order_total"
    } else if max_minor == points * 100 / 250 {
        "balance"
    } else {
        "store_limit"
    }
}

/// The answers of a shopper's happy path: a session offering both programs, a code that
/// lives `expires` seconds (resend allowed at once), and a balance shown with its worth
/// (`points` at 250 per SAR, capped at `max_minor`).
pub fn happy_edge(expires: u32, points: u64, max_minor: u64) -> Value {
    let balance = json!({
        "points": points, "worth": {"minor": points * 100 / 250, "currency": "SAR"},
        "max_redeemable": {"minor": max_minor, "currency": "SAR"},
        "min_per_order": {"minor": 100, "currency": "SAR"},
        "capped_by": cap_reason(points, max_minor), "points_per_sar": 250,
    });
    json!({
        "POST /v1/sessions": [answer(201, session("token-1", &["mokafaa", "pongo"], json!({})))],
        "POST /v1/mokafaa/otp": [answer(201, challenge("ch-1", expires, 0, 3))],
        "GET /v1/mokafaa/balance": [answer(200, checked::<Balance>(&balance))],
        // The session follows the page's total (as the edge answers it).
        "PATCH /v1/sessions/current": [answer(200, json!({"amount": {"minor": 25000, "currency": "SAR"}}))],
    })
}

/// The happy path's answers, and Pongo enlisting the shopper as [`member`].
pub fn joining_edge(new_member: bool) -> Value {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    routes["POST /v1/pongo/enlist"] = json!([answer(200, member(new_member))]);
    routes
}

/// The session the edge grants (or finds again): `token`, offering `programs`, with the
/// fields of `extra` (a standing `redemption`, an `earn_preview`).
pub fn session(token: &str, programs: &[&str], extra: Value) -> Value {
    let mut session = json!({
        "session_token": token, "expires_in_seconds": 1800, "merchant_name": "Demo",
        "accepts_iban": false, "programs": programs,
    });
    if let (Some(session), Value::Object(extra)) = (session.as_object_mut(), extra) {
        session.extend(extra);
    }
    checked::<SessionStarted>(&session)
}

/// A code texted to `05••••4567`: it lives `expires` seconds, another may be asked for
/// after `resend_after` seconds, `resends_left` more times.
pub fn challenge(id: &str, expires: u32, resend_after: u32, resends_left: u32) -> Value {
    let challenge = json!({
        "challenge_id": id, "masked_destination": "05••••4567", "expires_in_seconds": expires,
        "resend_after_seconds": resend_after, "resends_left": resends_left,
    });
    checked::<OtpChallenge>(&challenge)
}

/// The redemption `r-1` in `state`: 12,500 points for 50.00 SAR off, 987,500 left.
pub fn redemption(state: &str) -> Value {
    let redemption = json!({
        "redemption_id": "r-1", "state": state, "points": 12500,
        "discount": {"minor": 5000, "currency": "SAR"}, "balance_points_after": 987500,
        "receipt": "r-1.t=1,v1=00",
    });
    checked::<Redemption>(&redemption)
}

/// What this cart (250.00 SAR) earns with Pongo: 375 points.
pub fn earn_preview() -> Value {
    json!({"amount": {"minor": 25000, "currency": "SAR"}, "points": 375})
}

/// The Pongo member `9665••••4567` with 320 points, a proved phone, and one reward within
/// reach; `new_member` when this enlist created them.
pub fn member(new_member: bool) -> Value {
    let member = json!({
        "masked_phone": "9665••••4567", "points": 320, "verified": true, "can_verify": true,
        "earn_preview": earn_preview(), "new_member": new_member,
        "rewards": [{"id": "rw-1", "name": "Free coffee", "points": 300, "within_reach": true}],
    });
    checked::<PongoMember>(&member)
}

/// Installs the fake edge (once per page) with `routes`: `"METHOD /path"` to a list of
/// answers, given in turn, the last one repeated; `"METHOD /path with TOKEN"` answers only
/// the session whose bearer is `TOKEN`. Anything not in the table is a 404.
pub fn fake_edge(routes: &Value) {
    let install = r#"
        if (!window.__lcEdge) {
            const realFetch = window.fetch.bind(window);
            window.__lcEdge = { routes: {}, calls: [] };
            window.fetch = async (input, init) => {
                const request = new Request(input, init);
                const url = new URL(request.url);
                if (url.origin !== 'http://edge.test') return realFetch(input, init);
                const key = request.method + ' ' + url.pathname;
                const auth = request.headers.get('authorization');
                window.__lcEdge.calls.push({ key, auth, body: await request.text() });
                const token = (auth || '').replace('Bearer ', '');
                const routes = window.__lcEdge.routes;
                const answers = routes[key + ' with ' + token] || routes[key] || [];
                const found = answers.length > 1 ? answers.shift() : answers[0];
                const reply = found || { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };
                return new Response(JSON.stringify(reply.body),
                    { status: reply.status, headers: { 'content-type': 'application/json' } });
            };
        }
        window.__lcEdge.routes = JSON.parse(a);
        window.__lcEdge.calls = [];
    "#;
    js(install, &[&JsValue::from_str(&routes.to_string())]);
}

/// The requests the fake edge received since it was last set up, as `METHOD /path`.
pub fn edge_calls() -> Vec<String> {
    edge_requests().into_iter().map(|c| c.key).collect()
}

/// One request the fake edge received.
#[derive(Debug, Deserialize)]
pub struct EdgeCall {
    /// `METHOD /path`.
    pub key: String,
    /// The `Authorization` header, if any.
    pub auth: Option<String>,
    /// The body as sent ("" for none).
    pub body: String,
}

impl EdgeCall {
    /// The body, read as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{}: {e}", self.key))
    }
}

/// The requests the fake edge received since it was last set up.
pub fn edge_requests() -> Vec<EdgeCall> {
    serde_wasm(&js("return window.__lcEdge.calls", &[]))
}

/// The request `key` (`METHOD /path`) the fake edge received last.
#[track_caller]
pub fn last_request(key: &str) -> EdgeCall {
    let found = edge_requests().into_iter().rev().find(|c| c.key == key);
    found.unwrap_or_else(|| panic!("the edge never received {key}"))
}

/// Where the widget keeps the session of `cart` in the browser (`localStorage`).
pub fn session_key(cart: &str) -> String {
    format!("loyalty-checkout:{MERCHANT}:{cart}")
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// The session token this browser keeps for `cart`.
pub fn kept_session(cart: &str) -> Option<String> {
    storage().get_item(&session_key(cart)).unwrap()
}

/// Keeps `token` as this browser's session for `cart`, as an earlier visit would have.
pub fn keep_session(cart: &str, token: &str) {
    storage().set_item(&session_key(cart), token).unwrap();
}

fn serde_wasm<T: DeserializeOwned>(value: &JsValue) -> T {
    let text = js_sys::JSON::stringify(value).unwrap().as_string().unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Holds `setInterval` callbacks (the widget's one-second tick) while on, so a test moves
/// the countdown itself; off, timers run as usual.
fn hold_clock(on: bool) {
    let install = r#"
        if (!window.__lcClock) {
            const realSet = window.setInterval.bind(window), realClear = window.clearInterval.bind(window);
            const clock = window.__lcClock = { on: false, timers: new Map(), next: 1e9 };
            window.setInterval = (f, ms, ...rest) => {
                if (!clock.on) return realSet(f, ms, ...rest);
                const id = clock.next++;
                clock.timers.set(id, f);
                return id;
            };
            window.clearInterval = (id) => clock.timers.delete(id) || realClear(id);
        }
        window.__lcClock.on = a;
        if (!a) window.__lcClock.timers.clear();
    "#;
    js(install, &[&JsValue::from_bool(on)]);
}

/// The countdown's clock, held for the test: seconds pass only when it says so. Released
/// when dropped.
#[must_use = "the clock is released when this is dropped"]
pub struct HeldClock(());

impl HeldClock {
    pub fn hold() -> Self {
        hold_clock(true);
        HeldClock(())
    }

    /// `seconds` pass.
    pub async fn pass(&self, seconds: u32) {
        for _ in 0..seconds {
            tick().await;
        }
    }
}

impl Drop for HeldClock {
    fn drop(&mut self) {
        hold_clock(false);
    }
}

/// One second passes on the held clock.
async fn tick() {
    js(
        "for (const f of [...window.__lcClock.timers.values()]) f();",
        &[],
    );
    settle().await;
}

/// Lets the widget react and re-render.
pub async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

impl Widget {
    pub fn find<T: JsCast>(&self, selector: &str) -> T {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no element for {selector}"))
            .dyn_into::<T>()
            .unwrap_or_else(|_| panic!("{selector} has another type"))
    }

    pub fn has(&self, selector: &str) -> bool {
        self.root.query_selector(selector).unwrap().is_some()
    }

    pub fn count(&self, selector: &str) -> u32 {
        self.root.query_selector_all(selector).unwrap().length()
    }

    pub fn text(&self, selector: &str) -> String {
        self.find::<HtmlElement>(selector)
            .text_content()
            .unwrap_or_default()
    }

    /// Whether the control at `selector` is disabled.
    pub fn disabled(&self, selector: &str) -> bool {
        let element: Element = self.find(selector);
        let disabled = js_sys::Reflect::get(&element, &JsValue::from_str("disabled")).unwrap();
        disabled
            .as_bool()
            .unwrap_or_else(|| panic!("{selector} has no disabled state"))
    }

    /// The events the store's page heard from the widget, in order: name and `detail`.
    pub fn heard(&self) -> Vec<(String, Value)> {
        #[derive(Deserialize)]
        struct Heard {
            name: String,
            detail: Value,
        }
        let heard: Vec<Heard> = serde_wasm(&js("return a.__lcHeard", &[&self.host]));
        heard.into_iter().map(|h| (h.name, h.detail)).collect()
    }

    /// An attribute of the element at `selector`.
    pub fn attribute(&self, selector: &str, name: &str) -> Option<String> {
        self.find::<Element>(selector).get_attribute(name)
    }

    /// Asserts the attribute `name` of the element at `selector` is `expected`.
    #[track_caller]
    pub fn assert_attribute(&self, selector: &str, name: &str, expected: Option<&str>) {
        let found = self.attribute(selector, name);
        assert_eq!(found.as_deref(), expected, "{selector} [{name}]");
    }

    /// The id of the element focused inside the widget, or its tag when it has none.
    pub fn focused(&self) -> Option<String> {
        let active = js("return a.activeElement", &[&self.root]);
        let element = active.dyn_into::<Element>().ok()?;
        Some(match element.id() {
            id if id.is_empty() => element.tag_name().to_lowercase(),
            id => id,
        })
    }

    /// Waits (up to 3 s) until the widget shows `selector`.
    pub async fn until(&self, selector: &str) {
        for _ in 0..100 {
            if self.has(selector) {
                return;
            }
            settle().await;
        }
        let shown = js("return a.innerHTML.replace(/<[^>]*>/g, ' ')", &[&self.root]);
        let calls = edge_calls();
        panic!("the widget never showed {selector}; it shows {shown:?}; the edge heard {calls:?}");
    }

    /// Clicks the element at `selector` as a shopper would (a click focuses what it hits),
    /// and lets the widget re-render.
    pub async fn click(&self, selector: &str) {
        let element = self.find::<HtmlElement>(selector);
        element.focus().unwrap();
        element.click();
        settle().await;
    }

    /// Types `value` into the input at `selector` (one input event, as a paste).
    pub async fn type_into(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.find(selector);
        input.set_value(value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
        input.dispatch_event(&event).unwrap();
        settle().await;
    }

    /// Presses `key` on the element at `selector` (a `keydown` that bubbles).
    pub async fn press(&self, selector: &str, key: &str) {
        let element: Element = self.find(selector);
        let press = "a.dispatchEvent(new KeyboardEvent('keydown', { key: b, bubbles: true, cancelable: true }))";
        js(press, &[&element, &JsValue::from_str(key)]);
        settle().await;
    }

    /// Opens the verify screen: a session, a mobile typed, "Send code".
    pub async fn to_verify_screen(&self) {
        self.until(".lc-widget[data-session=true]").await;
        self.type_into("#lc-identifier", "0501234567").await;
        self.click("button.lc-primary").await;
        self.until("[data-screen=mokafaa-verify] #lc-amount").await;
        settle().await;
    }

    /// From the verify screen: the code and `amount` typed, "Use points"; waits for the
    /// redeemed screen.
    pub async fn redeem(&self, amount: &str) {
        self.type_into("#lc-otp", "1234").await;
        self.type_into("#lc-amount", amount).await;
        self.click("button.lc-primary").await;
        self.until("[data-screen=mokafaa-redeemed]").await;
        settle().await;
    }

    /// Joins Pongo from its form: a mobile typed, yes to email, no to SMS, "Join"; waits for
    /// the member card.
    pub async fn join_pongo(&self) {
        self.type_into("#lc-phone", "0501234567").await;
        self.click("[data-optin=email] input[value=true]").await;
        self.click("[data-optin=sms] input[value=false]").await;
        self.click("button.lc-primary").await;
        self.until(".lc-member[data-verified=true]").await;
        settle().await;
    }
}
