// The strict-CSP demo: no inline script or style is allowed on this page (see /_headers).
// It gives the custom element a cart id, changes its amount-minor when the cart changes,
// and records what the widget tells the page and any policy violation, for the tests.
// Deferred after embed.js: the page is parsed and window.LoyaltyCheckout exists.
(function () {
  "use strict";
  window.cspViolations = [];
  window.checkoutEvents = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
  });
  ["ready", "redeemed", "reversed", "error"].forEach(function (name) {
    window.LoyaltyCheckout.on(name, function (detail) {
      window.checkoutEvents.push(name);
      document.getElementById("events").textContent = window.checkoutEvents.join("\n");
      if (name === "redeemed") window.loyaltyReceipt = detail.receipt;
    });
  });
  var cart = sessionStorage.getItem("csp-cart");
  if (!cart) {
    cart = "csp-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
    sessionStorage.setItem("csp-cart", cart);
  }
  var params = new URLSearchParams(location.search);
  var checkout = document.getElementById("checkout");
  if (params.get("locale")) checkout.setAttribute("locale", params.get("locale"));
  if (params.get("theme")) checkout.setAttribute("theme", params.get("theme"));
  checkout.setAttribute("cart", cart);
  var total = 25000;
  document.getElementById("add-item").addEventListener("click", function () {
    total += 5000;
    document.getElementById("order-total").textContent = (total / 100).toFixed(2) + " SAR";
    checkout.setAttribute("amount-minor", String(total));
  });
})();
