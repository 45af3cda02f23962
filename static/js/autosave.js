// Autosave and the save button, without races: while an autosave is on its way the button
// waits for it (and for the new version it brings), and once the form is being sent no further
// autosave starts. Without JavaScript the button alone saves; nothing here is needed for that.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("hx-post")) return;
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      // send it again with the button that was pressed: its name and value say what to do
      var submitter = event.submitter && event.submitter.form === form ? event.submitter : undefined;
      form.addEventListener("htmx:afterSettle", function () { form.requestSubmit(submitter); }, { once: true });
      return;
    }
    form.dataset.submitting = "true";
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest ? event.target.closest("form") : null;
    if (form && form.dataset.submitting === "true") event.preventDefault();
  });
})();
