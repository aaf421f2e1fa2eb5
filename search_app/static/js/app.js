/* Progressive enhancement only: every feature works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // Sort selector: apply on change (the «Применить» button is for no-JS).
  function initAutosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) { select.form.submit(); }
      });
    });
  }

  // Filters start folded on phones so results come first.
  function initFilters() {
    if (!window.matchMedia("(max-width: 899px)").matches) { return; }
    document.querySelectorAll("details[data-collapse-mobile]").forEach(function (details) {
      details.removeAttribute("open");
    });
  }

  // Autocomplete on the search box (ARIA combobox with a listbox).
  function initSuggest(field) {
    var input = field.querySelector("input[type=search]");
    var endpoint = field.getAttribute("data-suggest");
    var docTemplate = field.getAttribute("data-document");
    if (!input || !endpoint) { return; }

    var list = document.createElement("ul");
    var listId = "suggest-" + Math.random().toString(36).slice(2, 8);
    list.id = listId;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Подсказки");
    list.hidden = true;
    field.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var active = -1;
    var items = [];
    var lastQuery = "";
    var controller = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (el, i) {
        el.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.className = "suggest__item";
        // A popular query leads to its search; a document to its page.
        a.href = s.kind === "query" && input.form
          ? input.form.action + "?q=" + encodeURIComponent(s.text)
          : docTemplate.replace("__id__", encodeURIComponent(s.id));
        a.tabIndex = -1;
        var kind = document.createElement("span");
        kind.className = "suggest__kind";
        kind.textContent = s.kind_label || "";
        var text = document.createElement("span");
        text.textContent = s.text;
        a.appendChild(kind);
        a.appendChild(text);
        li.appendChild(a);
        list.appendChild(li);
        return li;
      });
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchSuggestions(query) {
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var url = endpoint + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          render(data.suggestions || []);
        })
        .catch(function () { /* offline or aborted: keep the plain search box */ });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.length < MIN_CHARS) { close(); lastQuery = ""; return; }
      if (query === lastQuery) { return; }
      timer = setTimeout(function () {
        lastQuery = query;
        fetchSuggestions(query);
      }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  onReady(function () {
    initAutosubmit();
    initFilters();
    document.querySelectorAll("[data-suggest]").forEach(initSuggest);
  });
})();
