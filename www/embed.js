/* Loyalty Checkout loader: draws the entry at once, loads the widget on first use or when
 * idle, never throws into the page. Usage: README.md, "Embed it" (kept out of this file,
 * which every shopper downloads). */
(function () {
  "use strict";
  if (window.LoyaltyCheckout) return;
  var script = document.currentScript;
  var src = new URL(script ? script.src : "/embed.js", location.href);
  var base = new URL("widget/", src);
  var EVENT = "loyalty-checkout:";
  var LABELS = {
    en: ["Pay with points", "Loading…", "Points are unavailable on this page"],
    ar: ["ادفع بالنقاط", "جارٍ التحميل…", "الدفع بالنقاط غير متاح في هذه الصفحة"],
    fr: ["Payer avec des points", "Chargement…", "Les points ne sont pas disponibles sur cette page"]
  };
  var ENTRY_CSS =
    ":host{display:block;font-family:var(--lc-font-family,system-ui,sans-serif);color:var(--lc-color-text,#1a1a1a)}" +
    ".lc-entry-button{min-height:44px;min-width:44px;padding:0 calc(var(--lc-spacing,8px)*2);border:0;" +
    "border-radius:var(--lc-radius,8px);background:var(--lc-color-primary,#0b5cad);color:#fff;font:inherit;font-weight:600;cursor:pointer}" +
    ".lc-entry-button:focus-visible{outline:3px solid var(--lc-color-text,#1a1a1a);outline-offset:2px}" +
    ".lc-entry-button[aria-busy=true]{opacity:.75;cursor:progress}.lc-entry-button:disabled{background:#6b7280;cursor:default}" +
    ":host([data-theme=dark]) .lc-entry-button{background:var(--lc-color-primary,#6cb4ff);color:#0d1117}" +
    ":host([data-theme=flat]) .lc-entry-button{border-radius:0}";
  var widget = null;
  var mounted = [];

  function fail(host, message) {
    console.error("Loyalty Checkout: " + message);
    (host || document).dispatchEvent(new CustomEvent(EVENT + "error", { bubbles: true, composed: true, detail: { message: message } }));
  }

  function pick(tag) {
    tag = String(tag || "").toLowerCase();
    return tag.indexOf("ar") === 0 ? "ar" : tag.indexOf("fr") === 0 ? "fr" : tag.indexOf("en") === 0 ? "en" : "";
  }

  function chooseLocale(asked) {
    return pick(asked) || pick(document.documentElement.lang) || pick(navigator.language) || "en";
  }

  function adopt(root, css) {
    if ("adoptedStyleSheets" in root && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    } else {
      var style = document.createElement("style");
      style.textContent = css;
      root.appendChild(style);
    }
  }

  function loadWidget() {
    widget = widget || import(new URL("loyalty_widget.js", base).href).then(function (m) {
      return m.default({ module_or_path: new URL("loyalty_widget_bg.wasm", base) }).then(function () { return m; });
    }).catch(function (err) { widget = null; throw err; });
    return widget;
  }

  // The options a host passes, in the widget's configuration shape.
  function configOf(o) {
    var minor = String(o.amount_minor == null ? "" : o.amount_minor);
    if (!o.merchant || !o.cart) throw new Error("merchant and cart are required");
    if (!/^[0-9]+$/.test(minor)) throw new Error("amount-minor must be the order total in minor units (25000 for 250.00 SAR)");
    return {
      api_base: o.api_base || src.origin,
      merchant_id: o.merchant,
      cart_id: o.cart,
      amount: { minor: parseInt(minor, 10), currency: String(o.currency || "SAR").toUpperCase() },
      locale: chooseLocale(o.locale),
      email: o.email || null,
      arabic_digits: o.arabic_digits === "true" || o.arabic_digits === true,
      programs: o.programs ? String(o.programs).split(",").map(function (p) { return p.trim(); }).filter(Boolean) : []
    };
  }

  function mount(host, options) {
    if (!(host instanceof Element)) { fail(null, "mount needs an element"); return null; }
    for (var i = 0; i < mounted.length; i++) if (mounted[i].host === host) return mounted[i];
    var config;
    try { config = configOf(options || {}); } catch (e) { fail(host, e.message); return null; }
    host.setAttribute("data-loyalty-checkout", "");
    if (options.theme) host.setAttribute("data-theme", options.theme);
    var root;
    try { root = host.shadowRoot || host.attachShadow({ mode: "open" }); } catch (e) { fail(host, "this element cannot hold the widget: " + e.message); return null; }
    adopt(root, ENTRY_CSS);
    var labels = LABELS[config.locale];
    var entry = document.createElement("button");
    entry.type = "button";
    entry.className = "lc-entry-button";
    entry.setAttribute("part", "entry-button");
    entry.textContent = labels[0];
    root.appendChild(entry);
    root.host.setAttribute("dir", config.locale === "ar" ? "rtl" : "ltr");
    // For `cargo xtask bench`: when the entry is painted, and when the widget is ready.
    requestAnimationFrame(function () { performance.mark(EVENT + "entry"); });
    var handle = { host: host, config: config, started: false };
    // A look preview (the merchant console): the entry in its theme, no session, no widget.
    if (options.preview) { mounted.push(handle); return handle; }
    function start(byShopper) {
      if (handle.started) return;
      handle.started = true;
      entry.setAttribute("aria-busy", "true");
      entry.textContent = labels[1];
      loadWidget().then(function (m) {
        m.mount(root, JSON.stringify(handle.config));
        entry.remove();
        performance.mark(EVENT + "ready");
        if (byShopper) {
          var first = root.querySelector("[role=tab],input,button");
          if (first) first.focus();
        }
        host.dispatchEvent(new CustomEvent(EVENT + "ready", { bubbles: true, composed: true, detail: { merchant_id: config.merchant_id, cart_id: config.cart_id } }));
      }).catch(function (err) {
        err = String(err && err.message || err);
        entry.removeAttribute("aria-busy");
        // The page's CSP refuses WebAssembly: no retry helps (docs/embed.md).
        if (/unsafe-eval|CSP/.test(err)) {
          entry.disabled = true;
          entry.textContent = labels[2];
          return fail(host, "this page's Content-Security-Policy blocks WebAssembly; add 'wasm-unsafe-eval' to script-src (see docs/embed.md)");
        }
        // The entry stays, and the next press tries again.
        handle.started = false;
        entry.textContent = labels[0];
        fail(host, err);
      });
    }
    entry.addEventListener("click", function () { start(true); });
    ["pointerenter", "focus", "touchstart"].forEach(function (name) {
      entry.addEventListener(name, function () { loadWidget().catch(function () {}); }, { once: true, passive: true });
    });
    (window.requestIdleCallback || function (f) { return setTimeout(f, 200); })(function () { start(false); }, { timeout: 2000 });
    mounted.push(handle);
    return handle;
  }

  // A new total: the widget moves its session to it (and its earn preview follows). With
  // a host, only that widget; without, every widget on the page.
  function update(changes, host) {
    var minor = String(changes && changes.amount_minor != null ? changes.amount_minor : "");
    if (!/^[0-9]+$/.test(minor)) return fail(host, "amount_minor must be the total in minor units (25000 for 250.00 SAR)");
    mounted.forEach(function (h) {
      if (host && h.host !== host) return;
      h.config.amount.minor = parseInt(minor, 10);
      document.dispatchEvent(new CustomEvent(EVENT + "cart", { detail: { amount_minor: h.config.amount.minor, cart: h.config.cart_id } }));
    });
  }

  function on(name, fn) {
    document.addEventListener(EVENT + name, function (e) { fn(e.detail, e); });
  }

  var ATTRIBUTES = ["merchant", "cart", "amount-minor", "currency", "locale", "theme", "email", "programs", "api-base", "arabic-digits", "preview"];
  function optionsOf(read) {
    var o = {};
    ATTRIBUTES.forEach(function (a) { var v = read(a); if (v != null && v !== "") o[a.replace(/-/g, "_")] = v; });
    return o;
  }

  // The element mounts once it has a merchant, a cart and an amount (a page may set them
  // after the element is parsed); later, a new amount-minor is the cart change.
  if (window.customElements && !customElements.get("loyalty-checkout")) {
    customElements.define("loyalty-checkout", class extends HTMLElement {
      static get observedAttributes() { return ["merchant", "cart", "amount-minor", "theme"]; }
      connectedCallback() { this.tryMount(); }
      tryMount() {
        if (this.shadowRoot || !this.isConnected) return;
        if (this.getAttribute("merchant") && this.getAttribute("cart") && this.getAttribute("amount-minor")) {
          mount(this, optionsOf(this.getAttribute.bind(this)));
        }
      }
      attributeChangedCallback(name, before, after) {
        if (!this.shadowRoot) return this.tryMount();
        if (before === after) return;
        if (name === "theme") this.setAttribute("data-theme", after || "");
        else if (name === "amount-minor") update({ amount_minor: after }, this);
      }
    });
  }

  window.LoyaltyCheckout = { mount: mount, update: update, on: on };

  if (script && script.dataset.merchant) {
    var data = script.dataset;
    var host = document.createElement("div");
    var target = null;
    try { target = data.target ? document.querySelector(data.target) : null; } catch (e) { fail(null, "data-target is not a CSS selector"); }
    if (target) target.appendChild(host); else script.insertAdjacentElement("afterend", host);
    mount(host, optionsOf(function (a) { return data[a.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })]; }));
  }
})();
