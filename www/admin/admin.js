/* Loyalty Checkout merchant console. Plain script, no build step, no inline code: the page
 * runs under a strict Content-Security-Policy. The session is an HttpOnly cookie this script
 * never sees; the CSRF token that every state-changing call sends lives in memory only. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var state = {
    me: null,            // AdminMe
    view: null,          // SettingsView, as last read or saved
    lastRealEnv: "prod", // where the sandbox switch goes back to
    ledger: { page: 1, pageSize: 25, filters: {}, total: 0 },
    detail: null,        // the open RedemptionDetail
    loaded: {}           // which tabs have been read since sign-in
  };
  var PROGRAMS = { mokafaa: "Mokafaa points (Al Rajhi Bank)", pongo: "Pongo loyalty program" };
  var STATES = ["pending", "redeemed", "captured", "reversing", "reversed", "failed"];
  var DIGITS = { SAR: 2, EUR: 2, KWD: 3 };
  var SECRETS = ["mokafaa_client_secret", "mokafaa_merchant_token", "merchant_api_secret"];

  // ------------------------------------------------------------------ the edge

  function ApiFailure(status, body) {
    var e = (body && body.error) || {};
    this.status = status;
    this.code = e.code || "http_" + status;
    this.field = e.field || null;
    this.message = e.message || (status === 0 ? "The edge did not answer. Check your connection and try again." : "Something went wrong (" + status + ").");
  }

  function api(method, path, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && state.me) headers["X-CSRF-Token"] = state.me.csrf_token;
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!r.ok) {
          var failure = new ApiFailure(r.status, json);
          if (r.status === 401 && state.me) signedOut("Your session ended. Sign in again.");
          throw failure;
        }
        return json;
      });
    }, function () { throw new ApiFailure(0, null); });
  }

  // ------------------------------------------------------------------ small helpers

  function show(el, on) { el.hidden = !on; }

  function say(el, text, kind) {
    el.textContent = text || "";
    el.classList.remove("ok", "bad", "busy");
    if (kind) el.classList.add(kind);
  }

  function alertMessage(text) { say($("alert"), text, "bad"); show($("alert"), !!text); }

  function cell(row, value, cls) {
    var td = document.createElement("td");
    td.textContent = value == null ? "" : String(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function when(seconds) {
    if (seconds == null) return "";
    var d = new Date(seconds * 1000);
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function count(n) { return typeof n === "number" ? n.toLocaleString("en-US") : String(n == null ? "" : n); }

  function stateLabel(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, " ") : ""; }

  // Money without floats: minor units <-> "12.50", split on the point.
  function digitsOf(currency) { return DIGITS[currency] == null ? 2 : DIGITS[currency]; }

  function formatMinor(minor, currency) {
    var n = digitsOf(currency);
    var s = String(minor).padStart(n + 1, "0");
    return n === 0 ? s : s.slice(0, s.length - n) + "." + s.slice(s.length - n);
  }

  function money(m) { return m ? formatMinor(m.minor, m.currency) + " " + m.currency : ""; }

  function parseMinor(text, currency) {
    var n = digitsOf(currency);
    var t = String(text).trim().replace(/\s+/g, "");
    var match = /^([0-9]+)(?:\.([0-9]*))?$/.exec(t) || /^()\.([0-9]+)$/.exec(t);
    if (!match) return null;
    var whole = match[1] || "0", frac = match[2] || "";
    if (frac.length > n) return null;
    var digits = (whole + frac.padEnd(n, "0")).replace(/^0+(?=[0-9])/, "");
    if (digits.length > 15) return null; // beyond the edge's limit and JavaScript's exact integers
    return parseInt(digits, 10);
  }

  function parseCount(text) {
    var t = String(text).trim();
    if (!/^[0-9]{1,9}$/.test(t)) return null;
    return parseInt(t, 10);
  }

  // Copies `text`; where the browser refuses, selects `source` (the element showing it) so
  // the person can press the copy keys.
  function copyText(text, statusEl, source) {
    var done = function () { say(statusEl, "Copied.", "ok"); };
    var selectIt = function () {
      if (!source) return false;
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      source.focus();
      return true;
    };
    var fallback = function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) done();
      else if (selectIt()) say(statusEl, "Selected: press Ctrl+C (⌘C on a Mac) to copy.", "busy");
      else say(statusEl, "This browser blocks copying: select the text and copy it.", "bad");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  // ------------------------------------------------------------------ sign-in

  function signedOut(message) {
    state.me = null;
    state.view = null;
    state.loaded = {};
    show($("loading-view"), false);
    show($("console-view"), false);
    show($("who"), false);
    show($("signin-view"), true);
    if (message) alertMessage(message);
    $("signin-email").focus();
  }

  function signedIn(me) {
    state.me = me;
    state.loaded = {};
    alertMessage("");
    $("who-merchant").textContent = me.merchant_name;
    $("who-merchant-id").textContent = me.merchant_id;
    $("who-email").textContent = me.email;
    show($("who"), true);
    show($("loading-view"), false);
    show($("signin-view"), false);
    show($("console-view"), true);
    renderSnippet();
    var wanted = location.search.indexOf("pongo") >= 0 ? "pongo" : "settings";
    selectTab(wanted, false);
    loadSettings();
  }

  // A link's token (`#invitation=` or `#sign-in=`), spent once; true when there was one.
  function followLink() {
    var hash = location.hash.replace(/^#/, "");
    var link = null;
    if (hash.indexOf("invitation=") === 0) link = { path: "/v1/admin/invitations/accept", token: hash.slice(11) };
    else if (hash.indexOf("sign-in=") === 0) link = { path: "/v1/admin/sign-in/complete", token: hash.slice(8) };
    if (!link) return false;
    // The token leaves the address bar (and the history) before anything else.
    history.replaceState(null, "", location.pathname + location.search);
    show($("loading-view"), true);
    api("POST", link.path, { token: decodeURIComponent(link.token) }).then(signedIn, function (err) {
      signedOut(err.status === 410 ? "This link has expired or was already used. Enter your email below for a new sign-in link." : err.message);
    });
    return true;
  }

  // A link pasted into the address bar of an open console is a fragment change, not a load.
  window.addEventListener("hashchange", followLink);

  function start() {
    if (followLink()) return;
    pongoBanner();
    api("GET", "/v1/admin/me").then(signedIn, function (err) {
      signedOut(err.status === 401 ? "" : err.message);
    });
  }

  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("signin-email"), status = $("signin-status");
    var email = input.value.trim();
    if (!email || !input.checkValidity()) {
      input.setAttribute("aria-invalid", "true");
      say(status, "Enter the email address your invitation was sent to.", "bad");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    alertMessage("");
    say(status, "Sending…", "busy");
    $("signin-submit").disabled = true;
    api("POST", "/v1/admin/sign-in", { email: email }).then(function () {
      say(status, "Check your email for a sign-in link. It works once, for a short while.", "ok");
    }, function (err) { say(status, err.message, "bad"); }).then(function () { $("signin-submit").disabled = false; });
  });

  $("sign-out").addEventListener("click", function () {
    api("POST", "/v1/admin/sign-out").then(function () { signedOut(""); say($("signin-status"), "You are signed out.", "ok"); },
      function (err) { alertMessage(err.message); });
  });

  // ------------------------------------------------------------------ tabs

  var TABS = ["settings", "credentials", "golive", "ledger", "pongo", "audit"];

  function selectTab(name, focus) {
    TABS.forEach(function (t) {
      var tab = $("tab-" + t), on = t === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      show($("panel-" + t), on);
    });
    if (focus) $("tab-" + name).focus();
    if (!state.me) return;
    if (name === "ledger") { loadLedger(); loadAttention(); }
    if (name === "pongo") pongoStatus();
    if (name === "audit") loadAudit();
    if (name === "golive") renderSnippet();
    if (name === "credentials" && !state.loaded.settings) loadSettings();
  }

  TABS.forEach(function (t, i) {
    var tab = $("tab-" + t);
    tab.addEventListener("click", function () { selectTab(t, false); });
    tab.addEventListener("keydown", function (e) {
      var next = null;
      if (e.key === "ArrowRight") next = TABS[(i + 1) % TABS.length];
      else if (e.key === "ArrowLeft") next = TABS[(i + TABS.length - 1) % TABS.length];
      else if (e.key === "Home") next = TABS[0];
      else if (e.key === "End") next = TABS[TABS.length - 1];
      if (next) { e.preventDefault(); selectTab(next, true); }
    });
  });
  $("goto-pongo").addEventListener("click", function (e) { e.preventDefault(); selectTab("pongo", true); });
  $("goto-credentials").addEventListener("click", function (e) { e.preventDefault(); selectTab("credentials", true); });

  // ------------------------------------------------------------------ settings

  var FIELD_INPUT = {
    name: "s-name",
    programs: "s-programs",
    mokafaa_environment: "s-env-sandbox",
    mokafaa_client_id: "s-mokafaa-client-id",
    mokafaa_mapping_pos_id: "s-mokafaa-mapping-pos-id",
    points_per_sar: "s-points-per-sar",
    min_per_order: "s-min-per-order",
    max_per_order: "s-max-per-order",
    verification_methods: "s-verify-mobile",
    show_balance_before_code: "s-show-balance",
    abandoned_after_minutes: "s-abandoned-after",
    allowed_origins: "s-allowed-origins",
    shopper_emails: "s-shopper-emails",
    email_sender_name: "s-email-sender-name",
    widget_theme: "s-widget-theme"
  };

  function clearFieldErrors() {
    Object.keys(FIELD_INPUT).forEach(function (f) {
      var err = $("err-" + f);
      if (err) { err.textContent = ""; show(err, false); }
      var input = $(FIELD_INPUT[f]);
      if (input) input.removeAttribute("aria-invalid");
    });
  }

  function fieldError(field, message) {
    var err = $("err-" + field), input = $(FIELD_INPUT[field]);
    if (!err) return false;
    err.textContent = message;
    show(err, true);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      if (input.focus && input.tagName !== "OL") input.focus();
      else { var first = input.querySelector("input"); if (first) first.focus(); }
    }
    return true;
  }

  function programItem(program, checked) {
    var li = document.createElement("li");
    li.dataset.program = program;
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "s-program-" + program;
    box.checked = checked;
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = PROGRAMS[program];
    var up = document.createElement("button");
    up.type = "button"; up.className = "icon secondary"; up.dataset.move = "up"; up.textContent = "↑";
    up.setAttribute("aria-label", "Move " + PROGRAMS[program] + " up");
    var down = document.createElement("button");
    down.type = "button"; down.className = "icon secondary"; down.dataset.move = "down"; down.textContent = "↓";
    down.setAttribute("aria-label", "Move " + PROGRAMS[program] + " down");
    li.append(box, label, up, down);
    return li;
  }

  $("s-programs").addEventListener("click", function (e) {
    var button = e.target.closest("button[data-move]");
    if (!button) return;
    var li = button.closest("li"), list = $("s-programs");
    if (button.dataset.move === "up" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    else if (button.dataset.move === "down" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
    button.focus();
  });

  function fillSettings(view) {
    var s = view.settings;
    state.view = view;
    state.loaded.settings = true;
    if (s.mokafaa_environment !== "sandbox") state.lastRealEnv = s.mokafaa_environment;
    $("s-name").value = s.name || "";
    var list = $("s-programs");
    list.textContent = "";
    s.programs.forEach(function (p) { if (PROGRAMS[p]) list.appendChild(programItem(p, true)); });
    Object.keys(PROGRAMS).forEach(function (p) { if (s.programs.indexOf(p) < 0) list.appendChild(programItem(p, false)); });
    ["sandbox", "sit", "prod"].forEach(function (env) { $("s-env-" + env).checked = s.mokafaa_environment === env; });
    $("s-mokafaa-client-id").value = s.mokafaa_client_id || "";
    $("s-mokafaa-mapping-pos-id").value = s.mokafaa_mapping_pos_id || "";
    $("s-points-per-sar").value = String(s.points_per_sar);
    $("s-min-per-order").value = formatMinor(s.min_per_order.minor, s.min_per_order.currency);
    $("s-max-per-order").value = formatMinor(s.max_per_order.minor, s.max_per_order.currency);
    document.querySelectorAll(".currency").forEach(function (c) { c.textContent = s.max_per_order.currency; });
    ["mobile", "customer_number", "iban"].forEach(function (m) { $("s-verify-" + m).checked = s.verification_methods.indexOf(m) >= 0; });
    $("s-show-balance").checked = !!s.show_balance_before_code;
    $("s-abandoned-after").value = String(s.abandoned_after_minutes);
    $("s-allowed-origins").value = s.allowed_origins.join("\n");
    $("s-shopper-emails").checked = !!s.shopper_emails;
    $("s-email-sender-name").value = s.email_sender_name || "";
    $("s-widget-theme").value = s.widget_theme;
    $("cred-client-id").textContent = s.mokafaa_client_id || "not set";
    $("sandbox-toggle").checked = s.mokafaa_environment === "sandbox";
    fillSecrets(view.secrets);
    preview();
    renderSnippet();
  }

  // The settings as the form holds them, or null after marking what is wrong.
  function readSettings() {
    var base = state.view.settings;
    var currency = base.max_per_order.currency;
    var bad = null;
    var mark = function (field, message) { if (!bad) bad = field; fieldError(field, message); };
    var env = document.querySelector("input[name=mokafaa_environment]:checked");
    var programs = [];
    $("s-programs").querySelectorAll("li").forEach(function (li) {
      if (li.querySelector("input").checked) programs.push(li.dataset.program);
    });
    var methods = ["mobile", "customer_number", "iban"].filter(function (m) { return $("s-verify-" + m).checked; });
    var points = parseCount($("s-points-per-sar").value);
    var min = parseMinor($("s-min-per-order").value, currency);
    var max = parseMinor($("s-max-per-order").value, currency);
    var minutes = parseCount($("s-abandoned-after").value);
    var optional = function (id) { var v = $(id).value.trim(); return v ? v : null; };
    if (!$("s-name").value.trim()) mark("name", "Enter the store's name.");
    if (!programs.length) mark("programs", "Offer at least one program.");
    if (points === null || points < 1) mark("points_per_sar", "Enter a whole number of points, at least 1.");
    if (min === null) mark("min_per_order", "Enter an amount such as 10 or 10.50.");
    if (max === null) mark("max_per_order", "Enter an amount such as 100 or 100.50.");
    if (min !== null && max !== null && min > max) mark("max_per_order", "The maximum must be at least the minimum.");
    if (!methods.length) mark("verification_methods", "Offer at least one way to verify.");
    if (minutes === null || minutes < 1) mark("abandoned_after_minutes", "Enter a whole number of minutes, at least 1.");
    if (bad) return null;
    return {
      name: $("s-name").value.trim(),
      programs: programs,
      mokafaa_environment: env ? env.value : base.mokafaa_environment,
      mokafaa_client_id: optional("s-mokafaa-client-id"),
      mokafaa_mapping_pos_id: optional("s-mokafaa-mapping-pos-id"),
      points_per_sar: points,
      min_per_order: { minor: min, currency: currency },
      max_per_order: { minor: max, currency: currency },
      verification_methods: methods,
      show_balance_before_code: $("s-show-balance").checked,
      abandoned_after_minutes: minutes,
      allowed_origins: $("s-allowed-origins").value.split(/\r?\n/).map(function (o) { return o.trim(); }).filter(Boolean),
      shopper_emails: $("s-shopper-emails").checked,
      email_sender_name: $("s-email-sender-name").value.trim(),
      widget_theme: $("s-widget-theme").value
    };
  }

  function loadSettings() {
    return api("GET", "/v1/admin/settings").then(fillSettings, function (err) { alertMessage(err.message); });
  }

  function saveSettings(settings, statusEl) {
    say(statusEl, "Saving…", "busy");
    return api("PUT", "/v1/admin/settings", settings).then(function (view) {
      fillSettings(view);
      say(statusEl, "Saved.", "ok");
      return view;
    }, function (err) {
      if (!(err.field && fieldError(err.field, err.message))) say(statusEl, err.message, "bad");
      else say(statusEl, "Not saved: " + err.message, "bad");
      throw err;
    });
  }

  $("settings-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!state.view) return;
    clearFieldErrors();
    var status = $("settings-status");
    var settings = readSettings();
    if (!settings) { say(status, "Not saved: correct the marked fields.", "bad"); return; }
    $("settings-save").disabled = true;
    saveSettings(settings, status).catch(function () {}).then(function () { $("settings-save").disabled = false; });
  });

  // The live preview: the real widget, drawn by /embed.js, in the chosen theme.
  function preview() {
    if (!state.me) return;
    var stage = $("theme-preview"), theme = $("s-widget-theme").value;
    var el = stage.querySelector("loyalty-checkout");
    if (!el) {
      el = document.createElement("loyalty-checkout");
      el.id = "theme-preview-widget";
      el.setAttribute("merchant", state.me.merchant_id);
      el.setAttribute("cart", "console-preview-" + Date.now().toString(36));
      el.setAttribute("currency", "SAR");
      el.setAttribute("theme", theme);
      el.setAttribute("amount-minor", "25000");
      // The entry shoppers see first, in this theme; no session from the console's origin.
      el.setAttribute("preview", "true");
      stage.appendChild(el);
    } else {
      el.setAttribute("theme", theme);
    }
    stage.dataset.theme = theme;
  }

  $("s-widget-theme").addEventListener("change", function () { preview(); renderSnippet(); });

  // ------------------------------------------------------------------ credentials

  function fillSecrets(secrets) {
    SECRETS.forEach(function (name) {
      var s = (secrets || []).find(function (x) { return x.name === name; });
      var el = $("secret-state-" + name);
      var text = s && s.set ? "Set" + (s.updated_at ? ", changed " + when(s.updated_at) : "") + "." : "Not set.";
      if (s && s.previous_valid_until) text += " The previous one keeps working until " + when(s.previous_valid_until) + ".";
      el.textContent = text;
      el.dataset.set = s && s.set ? "true" : "false";
    });
  }

  function saveSecret(name, value) {
    var msg = $("secret-msg-" + name);
    say(msg, "Saving…", "busy");
    return api("PUT", "/v1/admin/secrets/" + name, { value: value }).then(function (view) {
      state.view = view;
      fillSecrets(view.secrets);
      say(msg, "Saved.", "ok");
      return view;
    }, function (err) { say(msg, err.message, "bad"); throw err; });
  }

  SECRETS.forEach(function (name) {
    $("secret-form-" + name).addEventListener("submit", function (e) {
      e.preventDefault();
      var input = $("secret-" + name);
      if (!input.value) { say($("secret-msg-" + name), "Type the new value first.", "bad"); input.focus(); return; }
      var value = input.value;
      saveSecret(name, value).then(function () {
        input.value = "";
        if (name !== "merchant_api_secret") { say($("test-mokafaa-result"), ""); }
      }, function () {});
    });
  });

  $("generate-api-secret").addEventListener("click", function () {
    var bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    var hex = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    show($("generated"), false);
    saveSecret("merchant_api_secret", hex).then(function (view) {
      var status = (view.secrets || []).find(function (x) { return x.name === "merchant_api_secret"; });
      $("generated-note").textContent = status && status.previous_valid_until
        ? "The previous secret keeps working until " + when(status.previous_valid_until) + " (24 hours), so you can switch without downtime."
        : "Your store's server needs it before it can confirm orders.";
      $("generated-secret").textContent = hex;
      say($("copy-generated-status"), "");
      show($("generated"), true);
      $("copy-generated-secret").focus();
    }, function () {});
  });

  $("copy-generated-secret").addEventListener("click", function () {
    copyText($("generated-secret").textContent, $("copy-generated-status"), $("generated-secret"));
  });

  function testConnection(provider) {
    var result = $("test-" + provider + "-result"), button = $("test-" + provider);
    button.disabled = true;
    say(result, "Calling " + (provider === "mokafaa" ? "Mokafaa" : "Pongo") + "…", "busy");
    delete result.dataset.ok;
    api("POST", "/v1/admin/test-connection/" + provider).then(function (check) {
      result.dataset.ok = check.ok ? "true" : "false";
      say(result, (check.ok ? "✓ Connected. " : "✗ Not connected. ") + check.message, check.ok ? "ok" : "bad");
    }, function (err) {
      result.dataset.ok = "false";
      say(result, "✗ " + err.message, "bad");
    }).then(function () { button.disabled = false; });
  }

  $("test-mokafaa").addEventListener("click", function () { testConnection("mokafaa"); });
  $("test-pongo").addEventListener("click", function () { testConnection("pongo"); });

  // ------------------------------------------------------------------ go live

  function attr(value) { return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;"); }

  function renderSnippet() {
    if (!state.me) return;
    var edge = state.me.edge_origin.replace(/\/+$/, "");
    var theme = $("s-widget-theme").value || (state.view && state.view.settings.widget_theme) || "light";
    var currency = state.view ? state.view.settings.max_per_order.currency : "SAR";
    $("snippet").textContent =
      "<script src=\"" + attr(edge) + "/embed.js\" async></script>\n" +
      "<loyalty-checkout merchant=\"" + attr(state.me.merchant_id) + "\" cart=\"CART_ID\"\n" +
      "                  amount-minor=\"25000\" currency=\"" + attr(currency) + "\" theme=\"" + attr(theme) + "\"></loyalty-checkout>";
    $("csp-lines").textContent =
      "script-src " + edge + " 'wasm-unsafe-eval';\n" +
      "connect-src " + edge + ";";
  }

  $("copy-snippet").addEventListener("click", function () { copyText($("snippet").textContent, $("copy-snippet-status"), $("snippet")); });
  $("copy-csp").addEventListener("click", function () { copyText($("csp-lines").textContent, $("copy-csp-status"), $("csp-lines")); });

  $("sandbox-toggle").addEventListener("change", function () {
    var toggle = this, status = $("sandbox-status");
    if (!state.view) return;
    var settings = JSON.parse(JSON.stringify(state.view.settings));
    settings.mokafaa_environment = toggle.checked ? "sandbox" : state.lastRealEnv;
    toggle.disabled = true;
    saveSettings(settings, status).then(function (view) {
      say(status, view.settings.mokafaa_environment === "sandbox"
        ? "Sandbox is on: your checkout uses test points."
        : "Sandbox is off: your checkout takes real points (" + view.settings.mokafaa_environment + ").", "ok");
    }, function () { toggle.checked = !toggle.checked; }).then(function () { toggle.disabled = false; });
  });

  // ------------------------------------------------------------------ ledger

  function ledgerQuery(withPage) {
    var f = state.ledger.filters, q = new URLSearchParams();
    Object.keys(f).forEach(function (k) { if (f[k]) q.set(k, f[k]); });
    if (withPage) { q.set("page", String(state.ledger.page)); q.set("page_size", String(state.ledger.pageSize)); }
    return q.toString();
  }

  function readFilters() {
    return {
      state: $("f-state").value,
      from: $("f-from").value,
      to: $("f-to").value,
      order_id: $("f-order").value.trim(),
      identifier: $("f-identifier").value.replace(/[^0-9]/g, "")
    };
  }

  function loadLedger() {
    var status = $("ledger-status");
    state.loaded.ledger = true;
    var q = ledgerQuery(false);
    $("ledger-csv").href = "/v1/admin/redemptions.csv" + (q ? "?" + q : "");
    say(status, "Loading…", "busy");
    return api("GET", "/v1/admin/redemptions?" + ledgerQuery(true)).then(function (page) {
      state.ledger.total = page.total_items;
      renderTotals(page.totals);
      renderLedger(page);
      say(status, page.total_items === 0 ? "No redemptions match." : page.total_items + " redemption" + (page.total_items === 1 ? "" : "s") + ".");
    }, function (err) { say(status, err.message, "bad"); });
  }

  function renderTotals(totals) {
    var body = $("ledger-totals").querySelector("tbody");
    body.textContent = "";
    totals.forEach(function (t) {
      var tr = document.createElement("tr");
      tr.dataset.state = t.state;
      cell(tr, stateLabel(t.state));
      cell(tr, count(t.count), "num");
      cell(tr, count(t.points), "num");
      cell(tr, money(t.discount), "num");
      body.appendChild(tr);
    });
    if (!totals.length) { var tr = document.createElement("tr"); cell(tr, "Nothing yet.", "muted").colSpan = 4; body.appendChild(tr); }
  }

  function renderLedger(page) {
    var body = $("ledger-table").querySelector("tbody");
    body.textContent = "";
    page.items.forEach(function (item) {
      var r = item.redemption, tr = document.createElement("tr");
      tr.dataset.id = r.redemption_id;
      tr.dataset.state = r.state;
      cell(tr, when(item.created_at), "when");
      var idCell = cell(tr, "");
      var open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = r.redemption_id;
      open.setAttribute("aria-label", "Open redemption " + r.redemption_id);
      idCell.appendChild(open);
      var st = cell(tr, stateLabel(r.state));
      st.className = "state state-" + r.state;
      cell(tr, count(r.points), "num");
      cell(tr, money(r.discount), "num");
      cell(tr, r.order_id || "");
      cell(tr, item.masked_identifier + (item.method ? " (" + item.method.replace(/_/g, " ") + ")" : ""));
      body.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(page.total_items / page.page_size));
    $("ledger-page-info").textContent = "Page " + page.page + " of " + pages;
    $("ledger-prev").disabled = page.page <= 1;
    $("ledger-next").disabled = page.page >= pages;
  }

  $("ledger-table").addEventListener("click", function (e) {
    var tr = e.target.closest("tr[data-id]");
    if (tr) openDetail(tr.dataset.id);
  });

  $("ledger-filters").addEventListener("submit", function (e) {
    e.preventDefault();
    state.ledger.filters = readFilters();
    state.ledger.page = 1;
    loadLedger();
  });
  $("ledger-prev").addEventListener("click", function () { if (state.ledger.page > 1) { state.ledger.page -= 1; loadLedger(); } });
  $("ledger-next").addEventListener("click", function () { state.ledger.page += 1; loadLedger(); });

  function fact(list, name, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = name;
    dd.textContent = value == null || value === "" ? "–" : String(value);
    list.append(dt, dd);
    return dd;
  }

  function openDetail(id) {
    say($("reverse-status"), "");
    return api("GET", "/v1/admin/redemptions/" + encodeURIComponent(id)).then(function (detail) {
      renderDetail(detail);
      var panel = $("ledger-detail");
      show(panel, true);
      panel.focus();
      panel.scrollIntoView({ block: "start" });
    }, function (err) { say($("ledger-status"), err.message, "bad"); });
  }

  function renderDetail(detail) {
    state.detail = detail;
    var item = detail.item, r = item.redemption, panel = $("ledger-detail");
    panel.dataset.id = r.redemption_id;
    panel.dataset.state = r.state;
    $("detail-title").textContent = "Redemption " + r.redemption_id;
    var facts = $("detail-facts");
    facts.textContent = "";
    fact(facts, "State", stateLabel(r.state)).id = "detail-state";
    fact(facts, "Points", count(r.points));
    fact(facts, "Discount", money(r.discount));
    fact(facts, "Order", r.order_id);
    fact(facts, "Shopper", item.masked_identifier + (item.method ? " (" + item.method.replace(/_/g, " ") + ")" : ""));
    fact(facts, "Created", when(item.created_at));
    fact(facts, "Last change", when(item.updated_at));
    if (item.error_code) fact(facts, "Error", item.error_code);
    var trail = $("detail-trail").querySelector("tbody");
    trail.textContent = "";
    detail.trail.forEach(function (step) {
      var tr = document.createElement("tr");
      tr.dataset.to = step.to_state;
      cell(tr, when(step.at), "when");
      cell(tr, stateLabel(step.from_state || ""));
      cell(tr, stateLabel(step.to_state));
      cell(tr, step.actor);
      cell(tr, step.reason);
      trail.appendChild(tr);
    });
    var audit = $("detail-audit").querySelector("tbody");
    audit.textContent = "";
    detail.audit.forEach(function (a) { audit.appendChild(auditRow(a, false)); });
    show($("detail-audit"), detail.audit.length > 0);
    show($("detail-audit-empty"), detail.audit.length === 0);
    var reversible = r.state === "redeemed" || r.state === "captured";
    show($("reverse-form"), reversible);
    var why = $("reverse-not-possible");
    why.textContent = reversible ? "" : r.state === "reversed" ? "The points were given back." :
      r.state === "reversing" ? "The points are being given back." : "Nothing to give back in this state.";
    show(why, !reversible);
    $("reverse-reason").value = "";
    show($("reverse-error"), false);
    $("reverse-reason").removeAttribute("aria-invalid");
  }

  $("detail-close").addEventListener("click", function () {
    var id = state.detail && state.detail.item.redemption.redemption_id;
    show($("ledger-detail"), false);
    state.detail = null;
    var row = id && $("ledger-table").querySelector("tr[data-id=\"" + CSS.escape(id) + "\"] button");
    if (row) row.focus();
  });

  $("reverse-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var reason = $("reverse-reason").value.trim(), err = $("reverse-error"), status = $("reverse-status");
    if (!reason) {
      err.textContent = "Say why the points are given back: it is kept in the audit log.";
      show(err, true);
      $("reverse-reason").setAttribute("aria-invalid", "true");
      $("reverse-reason").focus();
      return;
    }
    show(err, false);
    $("reverse-reason").removeAttribute("aria-invalid");
    var id = state.detail.item.redemption.redemption_id;
    $("reverse-submit").disabled = true;
    say(status, "Asking the bank to give the points back…", "busy");
    api("POST", "/v1/admin/redemptions/" + encodeURIComponent(id) + "/reverse", { reason: reason }).then(function (detail) {
      renderDetail(detail);
      say($("reverse-status"), "");
      var why = $("reverse-not-possible");
      why.textContent = detail.item.redemption.state === "reversed" ? "Reversed: the points were given back." : why.textContent;
      why.classList.add("ok");
      loadLedger();
      state.loaded.audit = false;
    }, function (failure) {
      if (failure.field === "reason") { err.textContent = failure.message; show(err, true); }
      say(status, failure.message, "bad");
    }).then(function () { $("reverse-submit").disabled = false; });
  });

  function loadAttention() {
    var status = $("attention-status"), table = $("attention-table"), body = table.querySelector("tbody");
    api("GET", "/v1/admin/redemptions/attention").then(function (items) {
      body.textContent = "";
      items.forEach(function (item) {
        var r = item.redemption, tr = document.createElement("tr");
        tr.dataset.id = r.redemption_id;
        [r.redemption_id, stateLabel(r.state)].forEach(function (v) { cell(tr, v); });
        cell(tr, count(r.points), "num");
        cell(tr, money(r.discount), "num");
        cell(tr, r.order_id || "");
        cell(tr, item.attempts, "num");
        cell(tr, when(item.updated_at), "when");
        cell(tr, item.reason || "Automatic retries spent");
        body.appendChild(tr);
      });
      show(table, items.length > 0);
      say(status, items.length === 0 ? "Nothing needs attention." : items.length + " redemption(s) need attention.", items.length ? "bad" : "ok");
    }, function (err) { say(status, err.message, "bad"); });
  }

  // ------------------------------------------------------------------ Pongo

  function pongoBanner() {
    var banner = $("banner"), params = new URLSearchParams(location.search);
    if (params.get("pongo") === "connected") { say(banner, "Pongo is connected for " + (params.get("merchant_id") || "your store") + ".", "ok"); show(banner, true); }
    if (params.get("pongo_error")) { say(banner, "Pongo was not connected (" + params.get("pongo_error") + "). Start connecting again.", "bad"); show(banner, true); }
  }

  function showPongo(s) {
    var text = { connected: "Connected to " + s.account_name + ".", expired: "The Pongo token expired or was revoked: connect again. Orders wait meanwhile.", not_connected: "Not connected." }[s.connection];
    var line = $("pongo-status");
    line.textContent = text || s.connection;
    line.className = s.connection === "connected" ? "ok" : "bad";
    $("pongo-connect").textContent = s.connection === "not_connected" ? "Connect Pongo" : "Connect Pongo again";
    if (s.partner_parameters) line.textContent += " Earn rule: " + s.partner_parameters.points_per_euro + " points per unit from " + formatMinor(s.partner_parameters.min_amount_cents, "EUR") + ".";
    $("pongo-queue").textContent = s.queued + " call(s) waiting to be sent, " + s.failed + " refused by Pongo.";
    // Refused calls need a person (fix the order and send it under a new id); waiting
    // ones are retried by the cron.
    var attention = $("pongo-attention"), calls = attention.querySelector("tbody");
    calls.textContent = "";
    (s.attention || []).forEach(function (c) {
      var tr = document.createElement("tr");
      tr.dataset.state = c.state;
      [c.order_id, c.key, c.kind, c.state].forEach(function (v) { cell(tr, v); });
      cell(tr, c.attempts, "num");
      cell(tr, c.last_error || "");
      calls.appendChild(tr);
    });
    show(attention, calls.children.length > 0);
    var rows = $("mappings").querySelector("tbody");
    rows.textContent = "";
    (s.mappings || []).forEach(function (m) { var tr = document.createElement("tr"); cell(tr, m.location_id); cell(tr, m.store_slug); rows.appendChild(tr); });
    var select = $("store");
    select.textContent = "";
    (s.stores || []).forEach(function (st) { var o = document.createElement("option"); o.value = st.slug; o.textContent = st.name + " (" + st.slug + ")"; select.appendChild(o); });
  }

  function pongoFailed(err) { var line = $("pongo-status"); line.className = "bad"; line.textContent = err.message; }
  function pongoStatus() { return api("GET", "/v1/admin/pongo/status").then(showPongo, pongoFailed); }

  $("pongo-connect").addEventListener("click", function () {
    api("POST", "/v1/admin/pongo/connect", {}).then(function (start) { location.assign(start.authorize_url); }, pongoFailed);
  });
  $("pongo-sync").addEventListener("click", function () { api("POST", "/v1/admin/pongo/sync").then(showPongo, pongoFailed); });
  $("map").addEventListener("submit", function (e) {
    e.preventDefault();
    var location_id = $("location").value.trim();
    if (!location_id) { pongoFailed({ message: "Enter the location (a storefront origin, terminal or location id)." }); $("location").focus(); return; }
    api("PUT", "/v1/admin/pongo/mappings", { location_id: location_id, store_slug: $("store").value }).then(showPongo, pongoFailed);
  });

  // ------------------------------------------------------------------ audit log

  // An audited value as a person reads it: amounts in SAR, lists one after another, text
  // without its quotes; anything else as written (secrets come masked from the edge).
  function auditValue(text) {
    if (text == null) return "";
    var v;
    try { v = JSON.parse(text); } catch (e) { return text; }
    var one = function (x) {
      if (x === null) return "none";
      if (typeof x === "object" && !Array.isArray(x) && "minor" in x && "currency" in x) return money(x);
      if (typeof x === "boolean") return x ? "on" : "off";
      if (typeof x === "object") return JSON.stringify(x);
      return String(x);
    };
    return Array.isArray(v) ? (v.length ? v.map(one).join(", ") : "none") : one(v);
  }

  function actionLabel(action) {
    var words = String(action).replace(/[._]/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function auditRow(a, withSubject) {
    var tr = document.createElement("tr");
    tr.dataset.action = a.action;
    cell(tr, when(a.at), "when");
    cell(tr, a.actor, "actor");
    cell(tr, actionLabel(a.action));
    if (withSubject) cell(tr, a.subject || "", "subject");
    cell(tr, auditValue(a.old_value), "value");
    cell(tr, auditValue(a.new_value), "value");
    return tr;
  }

  function loadAudit() {
    var status = $("audit-status"), body = $("audit-table").querySelector("tbody");
    say(status, "Loading…", "busy");
    return api("GET", "/v1/admin/audit").then(function (entries) {
      state.loaded.audit = true;
      body.textContent = "";
      entries.forEach(function (a) { body.appendChild(auditRow(a, true)); });
      say(status, entries.length === 0 ? "No changes yet." : entries.length + " change" + (entries.length === 1 ? "" : "s") + ".");
    }, function (err) { say(status, err.message, "bad"); });
  }

  $("audit-refresh").addEventListener("click", loadAudit);

  // Exposed for the console's own checks (money without floats).
  window.LoyaltyConsole = { parseMinor: parseMinor, formatMinor: formatMinor };

  start();
})();
