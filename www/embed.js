/*
 * Loyalty Checkout loader: the one script tag a storefront adds.
 *
 *   <script src="https://EDGE/embed.js" data-merchant="MERCHANT_ID" data-cart="CART_ID"
 *           data-amount-minor="25000" data-currency="SAR" async></script>
 *
 * It creates a host element (after the script tag, or inside data-target), attaches a
 * Shadow DOM so the store's CSS and the widget's CSS stay apart, loads the WebAssembly
 * widget from the same origin as this file and mounts it. It never throws into the host
 * page: failures are logged and announced as a `loyalty-checkout:error` event.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { console.error("loyalty checkout: embed.js must be loaded by a classic <script> tag"); return; }
  var src = new URL(script.src, location.href);
  var data = script.dataset;

  function fail(host, message) {
    console.error("loyalty checkout: " + message);
    (host || document).dispatchEvent(new CustomEvent("loyalty-checkout:error", { bubbles: true, detail: { message: message } }));
  }

  var host = document.createElement("div");
  host.setAttribute("data-loyalty-checkout", "");
  var target = data.target ? document.querySelector(data.target) : null;
  if (target) target.appendChild(host); else script.insertAdjacentElement("afterend", host);

  if (!data.merchant || !data.cart) return fail(host, "data-merchant and data-cart are required");
  if (!/^[0-9]+$/.test(data.amountMinor || "")) return fail(host, "data-amount-minor must be the order total in minor units (25000 for 250.00 SAR)");

  var lang = (data.locale || document.documentElement.lang || navigator.language || "en").toLowerCase();
  var config = {
    api_base: data.apiBase || src.origin,
    merchant_id: data.merchant,
    cart_id: data.cart,
    amount: { minor: parseInt(data.amountMinor, 10), currency: (data.currency || "SAR").toUpperCase() },
    locale: lang.indexOf("ar") === 0 ? "ar" : "en",
    programs: data.programs ? data.programs.split(",").map(function (p) { return p.trim(); }).filter(Boolean) : []
  };

  var shadow = host.attachShadow({ mode: "open" });
  var base = new URL("widget/", src);
  import(new URL("loyalty_widget.js", base).href)
    .then(function (widget) {
      return widget.default({ module_or_path: new URL("loyalty_widget_bg.wasm", base) }).then(function () {
        widget.mount(shadow, JSON.stringify(config));
        host.dispatchEvent(new CustomEvent("loyalty-checkout:ready", { bubbles: true, detail: { merchant_id: config.merchant_id, cart_id: config.cart_id } }));
      });
    })
    .catch(function (err) { fail(host, String(err && err.message || err)); });
})();
