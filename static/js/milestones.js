// The running total of a plan's amounts (partnership tranches, an offer's milestones) while
// typing: the server works it out on every render (partnerships/totals.py); this script only
// follows the fields. Amounts are read the page's way (12.500,50 in German, 12,500.50 in English).
(function () {
  "use strict";
  var KINDS = { match: "success", under: "warning", over: "warning", unreadable: "warning", no_target: "info", empty: "info" };

  function reader(locale) {
    return function (text) {
      var value = (text || "").replace(/€|eur/gi, "").replace(/[\s\u00a0\u202f]/g, "");
      if (!value) return 0;
      value = locale === "en" ? value.replace(/,/g, "") : value.replace(/\./g, "").replace(",", ".");
      if (!/^\d+(\.\d{1,2})?$/.test(value)) return null;
      return Math.round(parseFloat(value) * 100);
    };
  }

  function setKind(alert, kind) {
    Object.keys(KINDS).forEach(function (state) {
      alert.classList.remove("kern-alert--" + KINDS[state]);
    });
    alert.classList.add("kern-alert--" + kind);
    var icon = alert.querySelector(".kern-icon");
    if (icon) icon.className = "kern-icon kern-icon--" + kind;
  }

  function wire(box) {
    var locale = box.dataset.locale === "en" ? "en" : "de";
    var cents = reader(locale);
    var money = new Intl.NumberFormat(locale === "en" ? "en-GB" : "de-DE", { style: "currency", currency: "EUR" });
    var form = box.closest("form") || document;
    var targetField = box.dataset.target ? document.querySelector(box.dataset.target) : null;
    var alert = box.querySelector("[data-state]");
    var message = box.querySelector("[data-running-message]");

    function total(group) {
      var sum = 0, readable = true;
      form.querySelectorAll('[data-amount="' + group + '"]').forEach(function (input) {
        var value = cents(input.value);
        if (value === null) readable = false; else sum += value;
      });
      return readable ? sum : null;
    }

    function update() {
      var sum = parseInt(box.dataset.extraCents || "0", 10), readable = true, any = false;
      form.querySelectorAll('[data-amount="' + box.dataset.amounts + '"]').forEach(function (input) {
        if (!input.value.trim()) return;
        any = true;
        var value = cents(input.value);
        if (value === null) readable = false; else sum += value;
      });
      var target = targetField ? cents(targetField.value) : parseInt(box.dataset.targetCents || "0", 10);
      if (box.dataset.targetAmounts) target = total(box.dataset.targetAmounts);
      if (target === null) readable = false;
      // the same states as partnerships/totals.py: an empty total field is missing, not 0
      var noTarget = targetField && !targetField.value.trim();
      var state = !readable ? "unreadable" : (!any && !target) ? "empty"
        : noTarget ? "no_target"
        : sum === target ? "match" : sum < target ? "under" : "over";
      box.querySelector("[data-running-sum]").textContent = money.format(sum / 100);
      box.querySelector("[data-running-target]").textContent = target === null ? "–" : money.format(target / 100);
      if (alert.dataset.state === state && state !== "under" && state !== "over" && state !== "match") return;
      var text = box.getAttribute("data-msg-" + state) || "";
      text = text.replace("{sum}", money.format(sum / 100))
        .replace("{diff}", money.format(Math.abs((target || 0) - sum) / 100))
        .replace("{target}", money.format((target || 0) / 100));
      if (message.textContent !== text) message.textContent = text;
      alert.dataset.state = state;
      setKind(alert, KINDS[state]);
    }

    form.addEventListener("input", function (event) {
      var el = event.target;
      var group = el.getAttribute("data-amount");
      if (el === targetField || (group && (group === box.dataset.amounts || group === box.dataset.targetAmounts))) update();
    });
    form.addEventListener("change", update);
  }

  document.querySelectorAll("[data-running-total]").forEach(wire);
})();
