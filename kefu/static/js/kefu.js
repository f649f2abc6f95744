// Kefu's page behaviour that would otherwise sit in inline event handlers, which the
// Content-Security-Policy refuses (config/settings.py). Each is declared by a data attribute.
(function () {
  "use strict";

  // <form data-confirm="Delete?">: ask before sending.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    // <a data-history-back href="…">: back to the previous page; the href is for a first visit.
    var back = event.target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
      return;
    }
    // <a data-cancel-step>: inside a step form shown on the request page, close the form and
    // give focus back to the step button that opened it (not to the page's body).
    var cancel = event.target.closest("[data-cancel-step]");
    if (cancel && cancel.closest("#step-form")) {
      event.preventDefault();
      cancel.closest("form").remove();
      var opener = lastOpener && lastOpener.isConnected ? lastOpener : document.querySelector("[data-step]");
      if (opener) opener.focus();
      return;
    }
    var step = event.target.closest("[hx-get], [hx-post]");
    if (step) lastOpener = step;
  });

  // The language switch changes nothing until its button is pressed: a list's filter form that
  // listens to every select of the page (hx-trigger "change from:select") must not reload the
  // list when the language select moves either.
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.target && trigger.target.closest && trigger.target.closest("[data-language-switch]")
        && !event.detail.elt.closest("[data-language-switch]")) {
      event.preventDefault();
    }
  });

  // After htmx puts content into the page: keyboard and screen-reader users are told and land
  // where the work goes on (WCAG 2.4.3, 4.1.3).
  var lastOpener = null;
  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href]";

  function announce(text) {
    var region = document.getElementById("kefu-announcer");
    if (!region || !text) return;
    // Emptied first, so that the same words said twice are read twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var scope = event.target;
    if (!scope || !scope.isConnected || scope === document.body) return;
    // 1. A form sent back with errors: focus its first refused field (its error is its description).
    var invalid = scope.querySelector("[aria-invalid=true], .is-invalid");
    // 2. A target marked data-focus-first (the request page's step form): its first field.
    var wantsFirst = scope.closest("[data-focus-first]");
    // 3. The element that had focus was replaced (a chosen customer, a sent form): the new content.
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (invalid) {
      invalid.focus();
    } else if (wantsFirst || lost) {
      var first = scope.querySelector(FOCUSABLE);
      if (first) {
        first.focus();
      } else if (lost && scope.textContent.trim()) {
        scope.setAttribute("tabindex", "-1");
        scope.focus();
      }
    }
    // What to say: the content's own words (data-announce), else how many rows a list now shows.
    var told = scope.querySelector("[data-announce]") || (scope.matches("[data-announce]") ? scope : null);
    if (told) {
      announce(told.getAttribute("data-announce") || told.textContent.trim());
    } else {
      var rows = scope.querySelectorAll("tbody tr, .list-group > .list-group-item");
      var template = document.getElementById("kefu-announcer").getAttribute("data-rows") || "{count}";
      if (rows.length) announce(template.replace("{count}", rows.length));
    }
  });

  // <input data-enter-triggers="lookup">: Enter searches at once (htmx event) instead of
  // submitting the form around the box.
  document.addEventListener("keydown", function (event) {
    var name = event.key === "Enter" && event.target.getAttribute && event.target.getAttribute("data-enter-triggers");
    if (name) {
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(event.target, name);
    }
  });
})();
