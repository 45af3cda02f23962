// The pitch scoring screen with JavaScript: every change is kept in localStorage first and then
// sent as a draft; what could not be sent (offline, server away) stays there and is sent again
// on the next change, every 15 seconds and when the browser is back online — also for other
// teams' scores left over from before. The state line says saved / not saved / offline.
// Without JavaScript the save button does all of this.
(function () {
  "use strict";
  var form = document.getElementById("pitch-form");
  var status = document.getElementById("pitch-status");
  if (!form || !status || !window.fetch) return;
  // one juror's unsent scores are theirs alone: on a shared tablet the next juror neither sends
  // nor sees them (the key starts with the juror's id)
  var PREFIX = form.dataset.prefix;
  if (!PREFIX) return;
  var sending = false;

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function show(kind, text) {
    var span = document.createElement("span");
    span.className = "pitch-state pitch-state--" + kind;
    span.textContent = text;
    status.replaceChildren(span);
  }

  function csrf() {
    var field = form.querySelector('input[name="_csrf_token"]');
    return field ? field.value : "";
  }

  function remember() {
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    var item = { url: form.dataset.autosave, body: body.toString(), at: Date.now() };
    var s = store();
    if (s) s.setItem(form.dataset.key, JSON.stringify(item));
    show("unsaved", form.dataset.unsavedText);
  }

  function send(key, item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf() },
      body: item.body
    }).then(function (response) {
      var s = store();
      var current = s && s.getItem(key);
      if (response.ok || response.status === 409 || response.status === 422 || response.status === 404) {
        // sent (or refused for good: final, closed, not the juror's): never resend it
        if (s && current && JSON.parse(current).at === item.at) s.removeItem(key);
      }
      if (key === form.dataset.key) {
        if (response.ok) {
          response.json().then(function (data) {
            show("saved", form.dataset.savedText + (data.time ? " (" + data.time + ")" : ""));
          }, function () { show("saved", form.dataset.savedText); });
        } else if (response.status >= 400 && response.status < 500) {
          show("unsaved", form.dataset.refusedText);
        } else {
          show("unsaved", form.dataset.offlineText);
        }
      }
      return response.ok;
    }).catch(function () {
      if (key === form.dataset.key) show("unsaved", form.dataset.offlineText);
      return false;
    });
  }

  function flush() {
    var s = store();
    if (!s || sending) return;
    var keys = [];
    for (var i = 0; i < s.length; i++) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0) keys.push(key);
    }
    if (!keys.length) return;
    sending = true;
    keys.reduce(function (chain, key) {
      return chain.then(function (ok) {
        if (ok === false) return false; // offline: stop, try again later
        var raw = s.getItem(key);
        return raw ? send(key, JSON.parse(raw)) : true;
      });
    }, Promise.resolve(true)).then(function () { sending = false; }, function () { sending = false; });
  }

  // scores left on this device for this team (sent before the page was reloaded offline)
  (function restore() {
    var s = store();
    var raw = s && s.getItem(form.dataset.key);
    if (!raw) return;
    var params = new URLSearchParams(JSON.parse(raw).body);
    params.forEach(function (value, name) {
      if (name === "_csrf_token") return;
      var radio = form.querySelector('input[type="radio"][name="' + name + '"][value="' + value + '"]');
      if (radio && !radio.disabled) radio.checked = true;
      var text = form.querySelector('textarea[name="' + name + '"]');
      if (text && !text.disabled) text.value = value;
    });
    show("unsaved", form.dataset.unsavedText);
  })();

  var timer = null;
  form.addEventListener("change", function () { remember(); flush(); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    remember();
    clearTimeout(timer);
    timer = setTimeout(flush, 1500);
  });
  form.addEventListener("submit", function () {
    // the button's save replaces what is kept here
    var s = store();
    if (s) s.removeItem(form.dataset.key);
  });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  flush();
})();
