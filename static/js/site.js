// Every page: say so when an htmx request fails, instead of leaving the page as if it had worked.
// A 429 has already put its message where the answer would have gone (see base.html's htmx-config);
// other failures (5xx, a lost connection, a timeout) are told in #notice. The quiz's answer form
// retries on its own (quiz.js) and is left to it.
(function () {
  "use strict";
  var notice = document.getElementById("notice");
  var hideTimer = null;

  function tell(text) {
    if (!notice) return;
    notice.textContent = text;
    notice.classList.add("shown");
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { notice.classList.remove("shown"); notice.textContent = ""; }, 8000);
  }

  function ownRetry(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.closest && elt.closest("#answer-form");
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (ownRetry(event) || status === 429 || status < 500) return;
    var wait = event.detail.xhr.getResponseHeader("Retry-After");
    tell(status === 503
      ? "The site is busy or briefly unavailable; nothing was changed. Try again" + (wait ? " in " + wait + " seconds." : " shortly.")
      : "The server could not do that (error " + status + "); nothing was changed. Try again.");
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.body.addEventListener(name, function (event) {
      if (!ownRetry(event)) tell("No answer from the server: check your connection and try again.");
    });
  });
})();
