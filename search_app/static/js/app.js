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

  function debounced(fn) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, DEBOUNCE_MS * 2);
    };
  }

  function getJson(url, done) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { done(data); } })
      .catch(function () {});
  }

  function listItem(text, href, cls) {
    var li = document.createElement("li");
    li.className = cls || "related__item";
    if (href) {
      var a = document.createElement("a");
      a.className = "related__title";
      a.href = href;
      a.textContent = text;
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    return li;
  }

  // Ask a lawyer: answered consultations similar to the question, as it is typed.
  function initAskSimilar(form) {
    var list = document.getElementById("similar-list");
    var fields = [form.elements.title, form.elements.text];
    var update = debounced(function () {
      var q = fields.map(function (f) { return f.value; }).join(" ").trim();
      if (q.length < MIN_CHARS) { return; }
      getJson(form.dataset.similarUrl + "?q=" + encodeURIComponent(q.slice(0, 300)), function (hits) {
        list.textContent = "";
        if (!hits.length) { list.appendChild(listItem("Похожих консультаций пока нет.", null, "muted")); }
        hits.forEach(function (h) { list.appendChild(listItem(h.title, h.url)); });
      });
    });
    fields.forEach(function (f) { f.addEventListener("input", update); });
  }

  // The lawyer's citation picker: each line checked against the base as it is typed.
  function initCitePicker(form) {
    var area = form.elements.cites;
    var out = document.getElementById("cite-checks");
    var update = debounced(function () {
      out.textContent = "";
      area.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).forEach(function (line) {
        var li = listItem(line + ": проверяется…", null, "cite-check");
        out.appendChild(li);
        getJson(form.dataset.checkUrl + "?q=" + encodeURIComponent(line), function (c) {
          li.textContent = c.message;
          li.className = "cite-check pill pill--" + c.level;
        });
      });
    });
    area.addEventListener("input", update);
    update();
  }

  onReady(function () {
    initAutosubmit();
    initFilters();
    document.querySelectorAll("[data-suggest]").forEach(initSuggest);
    var ask = document.getElementById("ask-form");
    if (ask) { initAskSimilar(ask); }
    var answer = document.getElementById("answer-form");
    if (answer) { initCitePicker(answer); }
  });
})();
