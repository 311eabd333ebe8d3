// Editor forms (contact, stance change): progressive enhancement only. Without this script the
// forms still work: the actor is a <select>, "Add a participant" posts the form and comes back
// with one more row, and a pasted URL is registered when the form is saved.
//
// With it: rows are added in place from the <template> Django renders (prefix __prefix__), the
// actor <select> gains a search box that asks the server for names and aliases in any script
// (ARIA combobox: arrows, Enter, Escape), and a stored article can be picked from a search.
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var counter = 0;

  function addRow(section) {
    var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    var template = section.querySelector("template[data-formset-template]");
    var rows = section.querySelector("[data-formset-rows]");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    while (holder.firstChild) rows.appendChild(holder.firstChild);
    total.value = String(index + 1);
    if (window.htmx && row) window.htmx.process(row);
    enhance(row || rows);
    var first = row && row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  function optionText(result) {
    var text = result.name + " — " + result.side_label;
    return result.matched ? text + " (" + result.matched + ")" : text;
  }

  function setupActor(field) {
    if (field.dataset.enhanced) return;
    var select = field.querySelector("select");
    if (!select) return;
    field.dataset.enhanced = "1";
    counter += 1;
    var listId = "actor-options-" + counter;
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.placeholder = field.dataset.placeholder || "";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) input.value = chosen.textContent;
    var label = field.querySelector("label");
    if (label) label.htmlFor = input.id;
    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(list, select.nextSibling);

    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (items[index]) input.setAttribute("aria-activedescendant", items[index].id);
    }

    function choose(index) {
      var result = results[index];
      if (!result) return;
      select.value = String(result.id);
      input.value = result.name;
      var row = field.closest("[data-formset-row]");
      var side = row && row.querySelector('select[name$="-side"]');
      if (side && !side.value) side.value = result.side;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function render() {
      list.innerHTML = "";
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = optionText(result);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "autocomplete-none";
        none.textContent = field.dataset.none || "No actor matches: type the name under “or a new actor”.";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2) {
        close();
        return;
      }
      var mine = ++request;
      var url = field.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (mine !== request) return; // an older answer arriving late
          results = data.results || [];
          render();
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      if (!input.value.trim()) select.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  function setupArticleSearch(row) {
    var box = row.querySelector("[data-article-search]");
    if (box) box.hidden = false;
  }

  function enhance(root) {
    root.querySelectorAll("[data-actor-field]").forEach(setupActor);
    root.querySelectorAll("[data-citation-row]").forEach(setupArticleSearch);
    if (root.matches && root.matches("[data-citation-row]")) setupArticleSearch(root);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      event.preventDefault();
      addRow(add.closest("[data-formset]"));
      return;
    }
    var pick = event.target.closest(".article-pick");
    if (pick) {
      var row = pick.closest("[data-citation-row]");
      if (!row) return;
      var hidden = row.querySelector("[data-article-input]");
      if (hidden) hidden.value = pick.dataset.articleId;
      var slot = row.querySelector("[data-article-slot]");
      var shown = slot && slot.querySelector(".article-status, [data-article-label]");
      if (shown) {
        var picked = document.createElement("p");
        picked.className = "article-picked";
        picked.setAttribute("data-article-label", "");
        picked.textContent = pick.dataset.articleLabel;
        shown.replaceWith(picked);
      }
      var url = row.querySelector('input[name$="-url"]');
      if (url) url.value = "";
      var results = pick.closest(".article-results-slot");
      if (results) results.innerHTML = "";
    }
  });

  function start() {
    enhance(document);
    var errors = document.querySelector("[data-form-errors]");
    if (errors) errors.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
