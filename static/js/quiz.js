/* Exam practice: the countdown, saving answers (retried when a save fails) and the submit confirmation.
   The countdown only displays the server's remaining time (data-remaining on
   #timer, refreshed by htmx every 15 s); between refreshes it counts down
   locally. At zero it asks the server again, which finishes the attempt and
   redirects to the results. The server enforces the deadline either way. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var GRACE_MS = 3000; // a little after the deadline, so the server agrees it has passed
  var endAt = null;
  var asked = false;
  var announced = {};

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function sync(timer) {
    var remaining = parseFloat(timer.dataset.remaining);
    if (isNaN(remaining)) { return; }
    endAt = Date.now() + remaining * 1000;
    asked = false;
  }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer || endAt === null) { return; }
    var left = Math.max(0, Math.ceil((endAt - Date.now()) / 1000));
    timer.querySelector(".clock").textContent = format(left);
    timer.classList.toggle("low", left <= 300);
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > 0 && !announced[mark]) {
        announced[mark] = true;
        timer.querySelector(".timer-alert").textContent =
          (mark === 300 ? "Five minutes" : "One minute") + " left.";
      }
    });
    if (left === 0 && !asked && Date.now() > endAt + GRACE_MS) {
      asked = true;
      htmx.trigger(timer, "quiz:timeup");
    }
  }

  // The server writes the end time in UTC; the learner reads their own clock's time.
  function localTimes(elt) {
    var times = elt.querySelectorAll ? elt.querySelectorAll("time.local-time") : [];
    Array.prototype.forEach.call(times, function (t) {
      var when = new Date(t.getAttribute("datetime"));
      if (!isNaN(when)) {
        t.textContent = when.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
      }
    });
  }

  htmx.onLoad(function (elt) {
    var timer = elt.id === "timer" ? elt : elt.querySelector && elt.querySelector("#timer");
    if (timer) { sync(timer); localTimes(timer); }
  });
  setInterval(tick, 1000);

  // An answer is "Saved" only when the server said so. While a save is in flight the line says
  // "Saving"; a failed save (5xx, 429, a lost connection, a timeout) says "Not saved, retrying" and
  // sends the form's current choice again, after Retry-After or a growing pause. A 400 (not a
  // choice) is told, not retried; a 409 (the attempt closed) redirects to the results.
  var failures = 0;
  var retryTimer = null;

  function savedLine() { return document.getElementById("saved"); }

  function isAnswerForm(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.id === "answer-form" ? elt : null;
  }

  function retryLater(form, retryAfter, why) {
    failures += 1;
    var seconds = retryAfter > 0 ? retryAfter : Math.min(30, Math.pow(2, failures));
    var saved = savedLine();
    if (saved) {
      saved.classList.add("not-saved");
      saved.textContent = "Not saved, retrying in " + seconds + " s… (" + why + ")";
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      if (document.body.contains(form)) { htmx.trigger(form, "change"); }
    }, seconds * 1000);
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!isAnswerForm(event)) { return; }
    clearTimeout(retryTimer);
    var saved = savedLine();
    if (saved && !saved.classList.contains("not-saved")) { saved.textContent = "Saving…"; }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (isAnswerForm(event) && event.detail.successful) { failures = 0; }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var form = isAnswerForm(event);
    if (!form) { return; }
    var xhr = event.detail.xhr;
    if (xhr.status === 409) { return; }  // closed: htmx follows HX-Redirect to the results
    if (xhr.status === 400) {
      var saved = savedLine();
      if (saved) { saved.classList.add("not-saved"); saved.textContent = "Not saved: " + xhr.responseText; }
      return;
    }
    retryLater(form, parseInt(xhr.getResponseHeader("Retry-After"), 10),
               xhr.status === 429 ? "too many answers at once" : "the server answered with an error");
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.body.addEventListener(name, function (event) {
      var form = isAnswerForm(event);
      if (form) { retryLater(form, 0, "the connection is lost"); }
    });
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
