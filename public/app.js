// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  var liveTimer;
  function announce(text) {
    var live = document.getElementById('live-region');
    if (!live || !text) return;
    // emptied first so the same count said twice is announced twice
    live.textContent = '';
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () { live.textContent = text; }, 100);
  }

  function focusHeading() {
    var summary = document.querySelector('main .error-summary');
    var target = summary || document.querySelector('main h1');
    if (!target) return;
    if (!summary) target.setAttribute('tabindex', '-1');
    target.focus();
  }

  document.addEventListener('htmx:afterSettle', function (evt) {
    var d = evt.detail || {};
    if (d.boosted) {
      // a new page: screen readers hear its heading, keyboards start from it
      focusHeading();
      startSessionTimer();
      return;
    }
    var target = d.target;
    // an outerHTML swap leaves the old element detached: look up its replacement
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target || !target.querySelector) return;
    var summary = target.querySelector('.error-summary');
    if (summary) {
      summary.focus();
      return;
    }
    // filtered lists say how many results they show (one persistent polite live region)
    var count = target.matches && target.matches('[data-announce]') ? target : target.querySelector('[data-announce]');
    if (count) announce(count.getAttribute('data-announce') || count.textContent.replace(/\s+/g, ' ').trim());
  });

  // Confirmation prompts declared in markup (data-confirm) for destructive actions.
  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    var message = form && form.getAttribute && form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) evt.preventDefault();
  }, true);

  // Session time (WCAG 2.2.1): warn about two minutes before the idle limit, and let the
  // person stay connected with a real request that counts as activity.
  var WARN_BEFORE_S = 120;
  var warnTimer;
  var expireTimer;
  var lastFocus;

  function dialog() { return document.getElementById('session-warning'); }

  function schedule(secondsLeft) {
    var d = dialog();
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    if (!d || !(secondsLeft >= 0)) return;
    var idle = Number(d.getAttribute('data-idle-seconds')) || secondsLeft;
    // with short limits (tests, strict setups) warn halfway instead
    var before = Math.min(WARN_BEFORE_S, Math.floor(idle / 2));
    warnTimer = setTimeout(showWarning, Math.max(0, secondsLeft - before) * 1000);
    expireTimer = setTimeout(showExpired, secondsLeft * 1000);
  }

  function showWarning() {
    var d = dialog();
    if (!d || d.open) return;
    lastFocus = document.activeElement;
    // not modal: whoever is reading or typing can go on, the warning waits at the bottom
    if (d.show) d.show(); else d.setAttribute('open', '');
    var button = d.querySelector('[data-session-keepalive]');
    if (button) button.focus();
  }

  function closeWarning() {
    var d = dialog();
    if (d && d.open) {
      if (d.close) d.close(); else d.removeAttribute('open');
    }
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }

  function showExpired() {
    var d = dialog();
    if (!d) return;
    var text = document.getElementById('session-warning-text');
    if (text) text.textContent = text.getAttribute('data-expired');
    var keep = d.querySelector('[data-session-keepalive]');
    if (keep) keep.hidden = true;
    showWarning();
  }

  function keepAlive() {
    // the page's own token: a boosted swap keeps the body's hx-headers from before the login
    var d0 = dialog();
    var token = (d0 && d0.getAttribute('data-csrf')) || '';
    var req = new XMLHttpRequest();
    req.open('POST', '/sesion/seguir');
    req.setRequestHeader('x-csrf-token', token);
    req.setRequestHeader('HX-Request', 'true');
    req.onload = function () {
      var redirect = req.getResponseHeader('HX-Redirect');
      if (redirect) { window.location.href = redirect; return; }
      var left = Number(req.getResponseHeader('X-Session-Seconds-Left'));
      if (req.status >= 200 && req.status < 300 && left > 0) {
        closeWarning();
        schedule(left);
        var d = dialog();
        announce(d && d.getAttribute('data-extended'));
      }
    };
    req.send();
  }

  function startSessionTimer() {
    var d = dialog();
    if (!d) return;
    schedule(Number(d.getAttribute('data-seconds-left')));
  }

  document.addEventListener('click', function (evt) {
    var el = evt.target && evt.target.closest ? evt.target : null;
    if (!el) return;
    if (el.closest('[data-session-keepalive]')) keepAlive();
    else if (el.closest('[data-session-close]')) closeWarning();
  });
  // any htmx response is activity too; the server says how long the session has left
  document.addEventListener('htmx:afterRequest', function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    var left = xhr && Number(xhr.getResponseHeader('X-Session-Seconds-Left'));
    if (left > 0) schedule(left);
  });
  document.addEventListener('htmx:historyRestore', startSessionTimer);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startSessionTimer);
  else startSessionTimer();
})();
