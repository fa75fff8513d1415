/* Exam practice: the countdown and the submit confirmation.
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

  htmx.onLoad(function (elt) {
    var timer = elt.id === "timer" ? elt : elt.querySelector && elt.querySelector("#timer");
    if (timer) { sync(timer); }
  });
  setInterval(tick, 1000);

  // A lost connection must not lose an answer silently: say so, and send it again.
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "answer-form") { return; }
    var saved = document.getElementById("saved");
    if (saved) { saved.textContent = "Not saved yet: the connection is lost. Trying again…"; }
    setTimeout(function () {
      if (document.body.contains(form)) { htmx.trigger(form, "change"); }
    }, 3000);
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var saved = document.getElementById("saved");
    if (saved && event.detail.elt && event.detail.elt.id === "answer-form" && event.detail.xhr.status === 400) {
      saved.textContent = "Not saved: " + event.detail.xhr.responseText;
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
