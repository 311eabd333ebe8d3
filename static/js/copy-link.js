// "Copy link": copies the view's permalink and says so in a live region.
//
// The button ships hidden; this script reveals it only where the Clipboard API exists, so without
// JavaScript (or on a browser that cannot copy) the plain "Permalink" link stands alone. A record
// page names its canonical URL in data-url; on other views the address bar is the state (htmx
// pushes every filter change), so the current location is copied at the moment of the click.
// Handlers are delegated from the document because htmx history restores replace the header's
// DOM with a snapshot that carries no listeners.
(function () {
  "use strict";

  var CLEAR_AFTER_MS = 4000;
  var clearTimer = null;

  function canCopy() {
    return Boolean(navigator.clipboard && navigator.clipboard.writeText);
  }

  function linkFor(button) {
    return button.dataset.url || window.location.href;
  }

  function announce(text) {
    var status = document.querySelector("[data-copy-link-status]");
    if (!status) {
      return;
    }
    // Emptying first makes screen readers announce the same message again on a second click.
    status.textContent = "";
    window.clearTimeout(clearTimer);
    window.setTimeout(function () {
      status.textContent = text;
      clearTimer = window.setTimeout(function () {
        status.textContent = "";
      }, CLEAR_AFTER_MS);
    }, 50);
  }

  function setUp() {
    var button = document.querySelector("[data-copy-link]");
    if (!button) {
      return;
    }
    var permalink = document.querySelector("[data-permalink]");
    if (permalink && !button.dataset.url) {
      permalink.href = window.location.href;
    }
    button.hidden = !canCopy();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-link]");
    if (!button) {
      return;
    }
    navigator.clipboard.writeText(linkFor(button)).then(
      function () {
        announce(button.dataset.copied);
      },
      function () {
        announce(button.dataset.failed);
      }
    );
  });

  // After htmx pushes or restores a URL the plain permalink follows the address bar.
  [
    "htmx:pushedIntoHistory",
    "htmx:replacedInHistory",
    "htmx:historyRestore",
  ].forEach(function (name) {
    document.addEventListener(name, setUp);
  });
  window.addEventListener("popstate", setUp);

  setUp();
})();
