// The scoring screen's running total, live as the juror scores (the server renders the same
// number on every load and after every autosave; without JavaScript that is all there is).
// Each criterion's wrapper carries its weight and scale: 0–100, each criterion mapped to 0–1
// over its scale and weighted, unscored criteria left out (challenge/jury/totals.py).
(function () {
  "use strict";
  function scoreOf(criterion) {
    var checked = criterion.querySelector("input[type=radio]:checked");
    var input = checked || criterion.querySelector("input[type=number]");
    if (!input || input.value === "") return null;
    var value = Number(input.value);
    var low = Number(criterion.dataset.min), high = Number(criterion.dataset.max);
    if (!Number.isInteger(value) || value < low || value > high || high <= low) return null;
    return (value - low) / (high - low);
  }
  function update(form) {
    var total = document.getElementById("running-total");
    if (!total) return;
    var criteria = form.querySelectorAll(".scoring-criterion");
    var sum = 0, weights = 0, scored = 0;
    criteria.forEach(function (criterion) {
      var share = scoreOf(criterion);
      if (share === null) return;
      var weight = Number(criterion.dataset.weight);
      sum += weight * share; weights += weight; scored += 1;
    });
    var lang = document.documentElement.lang || "de";
    var format = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    total.querySelector(".scoring-total__value").textContent = weights ? format.format(100 * sum / weights) : "–";
    var text = total.dataset.scoredText;
    if (text) {
      total.querySelector(".scoring-total__scored").textContent =
        text.replace("{scored}", scored).replace("{count}", criteria.length);
    }
  }
  function onChange(event) {
    var form = event.target.closest ? event.target.closest(".scoring-form") : null;
    if (form) update(form);
  }
  document.addEventListener("change", onChange);
  document.addEventListener("input", onChange);
  // the autosave's answer brings the server's total; keep it in step with what is on screen
  document.addEventListener("htmx:afterSettle", function () {
    var form = document.querySelector(".scoring-form");
    if (form) update(form);
  });
})();
