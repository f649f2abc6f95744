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

  // <select data-autosubmit>: choosing sends the form (the language switch).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
  });

  document.addEventListener("click", function (event) {
    // <a data-history-back href="…">: back to the previous page; the href is for a first visit.
    var back = event.target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
      return;
    }
    // <a data-cancel-step>: inside a step form shown on the request page, close the form.
    var cancel = event.target.closest("[data-cancel-step]");
    if (cancel && cancel.closest("#step-form")) {
      event.preventDefault();
      cancel.closest("form").remove();
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
