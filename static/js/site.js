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

// The reachability matrix as one tab stop (the ARIA grid pattern): Tab lands on one cell, the
// arrow keys move between cells, Home and End go to the row's ends, Ctrl+Home and Ctrl+End to
// the grid's corners. The panel is replaced at each edit; the cell last reached is kept.
(function () {
  "use strict";
  var last = { row: 0, col: 0 };

  function cells(grid) {
    return Array.prototype.map.call(grid.tBodies[0] ? grid.tBodies[0].rows : [], function (tr) {
      return Array.prototype.filter.call(tr.cells, function (td) { return td.getAttribute("role") === "gridcell"; });
    });
  }

  function target(td) {
    var inner = td.querySelector("button, [role=img]");
    if (inner && inner.tagName === "BUTTON") return inner;
    td.setAttribute("tabindex", "-1");  // a cell with nothing to press is still a place to stand
    return td;
  }

  function setup(grid) {
    var rows = cells(grid);
    if (!rows.length || !rows[0].length) return;
    rows.forEach(function (row) { row.forEach(function (td) { target(td).setAttribute("tabindex", "-1"); }); });
    var r = Math.min(last.row, rows.length - 1);
    var c = Math.min(last.col, rows[r].length - 1);
    target(rows[r][c]).setAttribute("tabindex", "0");
    grid.addEventListener("keydown", function (event) { move(grid, event); });
  }

  function move(grid, event) {
    var rows = cells(grid);
    var here = event.target.closest("[role=gridcell]");
    if (!here) return;
    var r = rows.findIndex(function (row) { return row.indexOf(here) >= 0; });
    var c = rows[r].indexOf(here);
    var key = event.key;
    if (key === "ArrowRight") c += 1;
    else if (key === "ArrowLeft") c -= 1;
    else if (key === "ArrowDown") r += 1;
    else if (key === "ArrowUp") r -= 1;
    else if (key === "Home") { c = 0; if (event.ctrlKey) r = 0; }
    else if (key === "End") { c = rows[r].length - 1; if (event.ctrlKey) r = rows.length - 1; }
    else return;
    event.preventDefault();
    r = Math.max(0, Math.min(rows.length - 1, r));
    c = Math.max(0, Math.min(rows[r].length - 1, c));
    target(here).setAttribute("tabindex", "-1");
    var next = target(rows[r][c]);
    next.setAttribute("tabindex", "0");
    next.focus();
    last = { row: r, col: c };
  }

  htmx.onLoad(function (elt) {
    var grids = elt.matches && elt.matches("table.matrix[role=grid]") ? [elt] :
      (elt.querySelectorAll ? elt.querySelectorAll("table.matrix[role=grid]") : []);
    Array.prototype.forEach.call(grids, setup);
  });
})();

// Share links: "Copy link" copies the link's text field (shown, selectable, without JavaScript;
// the button is hidden until this script shows it). The field may arrive later, by htmx.
(function () {
  "use strict";
  htmx.onLoad(function (elt) {
    if (!elt.querySelectorAll) return;
    Array.prototype.forEach.call(elt.querySelectorAll("[data-copy]"), function (button) { button.hidden = false; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    function done() { button.textContent = "Copied"; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
