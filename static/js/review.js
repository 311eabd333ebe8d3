// The review queue from the keyboard: j / k move between suggestions, a opens "accept", m merges,
// r puts the cursor in the reason box. Keys are ignored while typing in a field. Every action is
// also a plain link or button, so nothing here is needed to review.
(function () {
  "use strict";

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-suggestion]"));
  }

  function current() {
    var active = document.activeElement;
    return active ? active.closest("[data-suggestion]") : null;
  }

  function move(step) {
    var list = items();
    if (!list.length) return;
    var index = list.indexOf(current());
    var next = list[Math.min(Math.max(index + step, 0), list.length - 1)];
    if (index < 0) next = list[0];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    var item = current();
    if (!item) return;
    var control = item.querySelector('[data-key="' + key + '"]');
    if (!control) return;
    event.preventDefault();
    if (control.tagName === "INPUT") control.focus();
    else control.click();
  });
})();
