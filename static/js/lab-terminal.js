// The lab terminal's command line: Up and Down walk through earlier commands, as in a shell.
// Everything else (posting, appending output, clearing) is htmx on the form itself.
(function () {
  "use strict";
  var input = document.getElementById("command");
  if (!input) return;
  var history = Array.prototype.map.call(
    document.querySelectorAll("#scrollback .cmd-text"), function (el) { return el.textContent; });
  var position = history.length;
  var pending = "";

  // Cleared once the command is answered (here, not in an hx-on attribute: the CSP allows no eval).
  input.form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) input.form.reset();
  });

  input.form.addEventListener("htmx:beforeRequest", function () {
    var line = input.value.trim();
    if (line && history[history.length - 1] !== line) history.push(line);
    position = history.length;
    pending = "";
  });

  input.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    if (!history.length) return;
    event.preventDefault();
    if (position === history.length) pending = input.value;
    position = event.key === "ArrowUp" ? Math.max(0, position - 1) : Math.min(history.length, position + 1);
    input.value = position === history.length ? pending : history[position];
    input.setSelectionRange(input.value.length, input.value.length);
  });
})();
