// The Magento checkout stand-in (docs/magento.md): no inline script or style is allowed on
// this page (see /_headers). It plays Magento's part with a tiny stand-in for
// Magento_Checkout/js/model/quote: the glue below is the guide's, the rest records what the
// widget tells the page and any policy violation or console error, for the tests.
// Deferred after embed.js (loaded from the edge's origin).
(function () {
  "use strict";
  window.cspViolations = [];
  window.consoleErrors = [];
  window.checkoutEvents = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
  });
  var error = console.error;
  console.error = function () {
    window.consoleErrors.push(Array.prototype.join.call(arguments, " "));
    return error.apply(console, arguments);
  };

  // A stand-in for Magento's knockout observable quote.totals(): subscribe(fn), call(v).
  var subscribers = [];
  var totals = function (value) {
    if (arguments.length === 0) return totals.value;
    totals.value = value;
    subscribers.forEach(function (fn) { fn(value); });
  };
  totals.subscribe = function (fn) { subscribers.push(fn); };
  var quote = { totals: totals };

  // --- The guide's glue (docs/magento.md, "Tell the widget the total changed") ---
  var SEGMENT = "loyalty_points";
  function minor(amount) { return Math.round(Number(amount) * 100); }
  function totalBeforePoints(t) {
    var points = (t.total_segments || []).filter(function (s) { return s.code === SEGMENT; })[0];
    return minor(t.grand_total) - (points ? minor(points.value) : 0);
  }
  quote.totals.subscribe(function (t) {
    var element = document.querySelector("loyalty-checkout");
    if (element && t) element.setAttribute("amount-minor", String(totalBeforePoints(t)));
  });
  // --- end of the glue ---

  function sar(m) { return (m / 100).toFixed(2) + " SAR"; }
  var subtotal = 25000;
  var discount = 0;
  // What the store's total collector does once its server verified the receipt.
  function recollect() {
    var segments = [{ code: "subtotal", value: subtotal / 100 }];
    if (discount) segments.push({ code: SEGMENT, value: -discount / 100 });
    quote.totals({ grand_total: Math.max(0, subtotal - discount) / 100, total_segments: segments });
    document.getElementById("subtotal").textContent = sar(subtotal);
    document.getElementById("points-row").hidden = !discount;
    document.getElementById("points-discount").textContent = "-" + sar(discount);
    document.getElementById("grand-total").textContent = sar(Math.max(0, subtotal - discount));
  }

  ["ready", "redeemed", "reversed", "error"].forEach(function (name) {
    document.addEventListener("loyalty-checkout:" + name, function (e) {
      window.checkoutEvents.push(name);
      document.getElementById("events").textContent = window.checkoutEvents.join("\n");
      if (name === "redeemed") {
        window.loyaltyReceipt = e.detail.receipt;
        discount = e.detail.discount.minor;
        recollect();
      }
      if (name === "reversed") {
        discount = 0;
        recollect();
      }
    });
  });

  var cart = "magento-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
  document.getElementById("checkout").setAttribute("cart", cart);
  document.getElementById("add-item").addEventListener("click", function () {
    subtotal += 5000;
    recollect();
  });
  recollect();
})();
