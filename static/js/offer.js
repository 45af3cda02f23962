// The offer form with JavaScript: rows are added in place (the "add rows" buttons send the form
// without it), a row can be removed, and the offer total follows the cost lines as they are
// typed. Without JavaScript the buttons and the server do all of this.
(function () {
  "use strict";
  var form = document.getElementById("field-_form");
  var total = document.getElementById("offer-total");
  if (!form || !total) return;
  var locale = total.dataset.locale === "en" ? "en" : "de";
  var money = new Intl.NumberFormat(locale === "en" ? "en-GB" : "de-DE", { style: "currency", currency: "EUR" });

  function cents(text) {
    var value = (text || "").replace(/€|eur/gi, "").replace(/[\s\u00a0\u202f]/g, "");
    value = locale === "en" ? value.replace(/,/g, "") : value.replace(/\./g, "").replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(value)) return null;
    return Math.round(parseFloat(value) * 100);
  }

  function update() {
    var sum = 0, readable = true;
    form.querySelectorAll("[data-cost-amount]").forEach(function (input) {
      if (!input.value.trim()) return;
      var value = cents(input.value);
      if (value === null) readable = false; else sum += value;
    });
    total.textContent = readable ? money.format(sum / 100) : "–";
  }

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (!value) return;
        el.setAttribute(attr, value.replace(/^([mc])\d+_/, "$1" + index + "_")
          .replace(/(milestones|costs)\.\d+\./g, "$1." + index + "."));
      });
    });
    var legend = row.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(index + 1));
  }

  function addRow(kind) {
    var box = form.querySelector('[data-rows="' + kind + '"]');
    var rows = box.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    row.hidden = false;
    row.querySelectorAll(".kern-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".kern-form-input--error").forEach(function (el) { el.classList.remove("kern-form-input--error"); });
    row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
    renumber(row, rows.length);
    last.after(row);
    wire(row);
    var first = row.querySelector("input");
    if (first) first.focus();
  }

  function wire(row) {
    var button = row.querySelector("[data-remove-row]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
      row.hidden = true;
      update();
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  form.querySelectorAll("[data-row]").forEach(wire);
  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      addRow(button.dataset.addRow);
    });
  });
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-cost-amount")) update();
  });
})();
