// The header's menu on narrow screens: without JavaScript every link stays visible (wrapped);
// with it, a "Menü" button shows and hides them. Escape closes the open menu.
(function () {
  "use strict";
  var toggle = document.querySelector(".site-menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) return;
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  function set(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("site-menu--closed", !open && narrow.matches);
  }
  function layout() {
    toggle.hidden = !narrow.matches;
    set(false);
  }
  toggle.addEventListener("click", function () {
    set(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      set(false);
      toggle.focus();
    }
  });
  narrow.addEventListener("change", layout);
  layout();
})();
