// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // After an htmx swap, move focus to a new error summary so screen readers announce it.
  document.addEventListener('htmx:afterSwap', function (evt) {
    var summary = evt.target && evt.target.querySelector && evt.target.querySelector('.error-summary');
    if (summary) summary.focus();
  });
  // Confirmation prompts declared in markup (data-confirm) for destructive actions.
  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    var message = form && form.getAttribute && form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) evt.preventDefault();
  }, true);
})();
