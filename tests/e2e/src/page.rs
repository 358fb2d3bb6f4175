//! A storefront page with the widget, in a real headless Chromium, read and driven as a
//! shopper would: the demo checkout, the strict-CSP page, any page that embeds it.

use crate::Browser;
use serde_json::Value;
use std::time::Duration;

/// The widget's shadow root, from page scripts.
pub const SHADOW: &str = "document.querySelector('[data-loyalty-checkout]') && document.querySelector('[data-loyalty-checkout]').shadowRoot";

/// The demo page in a browser, read and driven as a shopper would; widget scripts run with
/// `r` bound to the widget's shadow root.
pub struct Page {
    pub browser: Browser,
}

/// Waits on a page's widget: 20 s for what goes through the edge ([`Page::wait`]), 10 s for
/// what the page does by itself ([`Page::briefly`]).
pub struct Waits<'a> {
    page: &'a Page,
    patience: Duration,
}

impl Page {
    /// The page at `path`, as soon as it is loaded.
    pub async fn showing(path: &str) -> Page {
        Page {
            browser: Browser::open(path).await,
        }
    }

    /// The demo checkout at `path` (e.g. `/demo/?locale=ar`), once its widget has a session.
    pub async fn checkout(path: &str) -> Page {
        let page = Page::showing(path).await;
        page.wait()
            .shown("a session for the widget", ".lc-widget[data-session=true]")
            .await;
        page
    }

    /// The demo checkout at `path` once Pongo is connected (from the admin API).
    pub async fn pongo_checkout(path: &str) -> Page {
        crate::pongo::connect().await;
        Page::checkout(path).await
    }

    pub fn wait(&self) -> Waits<'_> {
        Waits {
            page: self,
            patience: Duration::from_secs(20),
        }
    }

    pub fn briefly(&self) -> Waits<'_> {
        Waits {
            page: self,
            patience: Duration::from_secs(10),
        }
    }

    /// Runs `script` in the page (not in the widget).
    pub async fn run_in_page(&self, script: &str) -> Value {
        self.browser.client.execute(script, vec![]).await.unwrap()
    }

    /// Runs `script` in the widget.
    pub async fn run(&self, script: &str) -> Value {
        self.run_in_page(&format!("const r = {SHADOW}; {script}"))
            .await
    }

    /// Types into an input in the widget as a shopper would.
    pub async fn type_in(&self, selector: &str, value: &str) {
        self.run(&format!(
            "const i = r.querySelector('{selector}'); i.value = '{value}';
             i.dispatchEvent(new InputEvent('input', {{bubbles: true}})); return true;"
        ))
        .await;
    }

    pub async fn click(&self, selector: &str) {
        self.run(&format!(
            "r.querySelector('{selector}').click(); return true;"
        ))
        .await;
    }

    /// A new shopper verifies by mobile and redeems `amount` (SAR, as typed) in the widget.
    pub async fn redeem_in_widget(&self, amount: &str) -> crate::Shopper {
        let shopper = crate::new_shopper(1_000_000).await;
        self.type_in("#lc-identifier", &shopper.mobile).await;
        self.click("button.lc-primary").await;
        self.wait()
            .read(
                "the verify screen with what this order can use",
                "[data-screen=mokafaa-verify] #lc-amount",
                "value",
            )
            .await;
        // The amount is prefilled with the most this order allows.
        let prefilled = self.run("return r.querySelector('#lc-amount').value").await;
        assert_eq!(prefilled, Value::from("250.00"));
        // Before the code, the whole balance is not shown: only what this order can use.
        let balance_shown = self
            .run("return r.querySelector('[data-screen=mokafaa-verify] .lc-balance') !== null")
            .await;
        assert_eq!(
            balance_shown,
            Value::Bool(false),
            "no balance before the code"
        );
        self.browser.screenshot("mokafaa-verify").await;
        let otp = crate::sim().last_otp(&shopper.mobile).await;
        self.type_in("#lc-otp", &otp).await;
        self.type_in("#lc-amount", amount).await;
        self.click("button.lc-primary").await;
        self.wait()
            .data(
                "the redeemed screen with the balance after",
                "[data-screen=mokafaa-redeemed] .lc-balance",
                "pointsAfter",
            )
            .await;
        self.browser.screenshot("mokafaa-redeemed").await;
        shopper
    }

    /// The shopper's undo on the redeemed screen, until the widget says the points are back.
    pub async fn undo_in_widget(&self) {
        self.click("[data-action=undo]").await;
        self.wait()
            .text(
                "the points returned",
                "[data-screen=mokafaa-identify] .lc-info",
            )
            .await;
    }

    pub async fn close(self) {
        self.browser.close().await;
    }
}

impl Waits<'_> {
    /// Until `script` (in the widget) returns something other than null; returns it.
    pub async fn until(&self, what: &str, script: &str) -> Value {
        let script = format!("const r = {SHADOW}; {script}");
        self.page
            .browser
            .wait_for(what, &script, self.patience)
            .await
    }

    /// Until the widget shows `selector`.
    pub async fn shown(&self, what: &str, selector: &str) {
        let script = format!("return r && r.querySelector('{selector}') ? true : null;");
        self.until(what, &script).await;
    }

    /// Until the widget shows `selector` with a text that is not empty; returns it.
    pub async fn text(&self, what: &str, selector: &str) -> Value {
        self.read(what, selector, "textContent").await
    }

    /// Until the widget shows `selector` with a `data-` attribute (`key` as the dataset
    /// names it) that is not empty; returns it.
    pub async fn data(&self, what: &str, selector: &str, key: &str) -> Value {
        self.read(what, selector, &format!("dataset.{key}")).await
    }

    /// Until the widget shows `selector` with a `property` (`value`, `checked`, ...) that is
    /// not empty; returns it.
    pub async fn read(&self, what: &str, selector: &str, property: &str) -> Value {
        let script = format!(
            "const e = r && r.querySelector('{selector}'); return e && e.{property} ? e.{property} : null;"
        );
        self.until(what, &script).await
    }
}
