// The stage editor: CodeMirror over the plain textarea (which works alone without
// JavaScript), line highlights for explanations and errors, and a local download.
(function () {
  "use strict";
  var textarea = document.getElementById("yaml");
  if (!textarea) return;
  var cm = null;

  function labelText() {
    var label = document.querySelector('label[for="yaml"]');
    return label ? label.textContent.trim() : "Policy YAML";
  }

  if (window.CodeMirror) {
    cm = CodeMirror.fromTextArea(textarea, {
      mode: "yaml",
      lineNumbers: true,
      indentUnit: 2,
      tabSize: 2,
      viewportMargin: Infinity,
      // Tab indents with spaces (YAML forbids tabs); Esc then Tab leaves the editor.
      extraKeys: {
        Tab: function (ed) {
          if (ed.somethingSelected()) ed.indentSelection("add");
          else ed.replaceSelection("  ", "end");
        },
        "Shift-Tab": function (ed) { ed.indentSelection("subtract"); },
        Esc: function (ed) { ed.getInputField().blur(); }
      },
      screenReaderLabel: labelText()
    });
    // Tab indents here, so say how to leave; the hint is hidden without JavaScript, where Tab moves on.
    var keys = document.getElementById("editor-keys");
    if (keys) {
      keys.hidden = false;
      cm.getInputField().setAttribute("aria-describedby", "editor-keys");
    }
    // Enter keeps the previous line's indentation. A learner who then types their own spaces
    // (copying from the guide) means those: the first space replaces what the editor put there,
    // instead of adding to it and doubling the indentation.
    var autoIndented = null;
    cm.addKeyMap({
      Enter: function (ed) {
        ed.execCommand("newlineAndIndent");
        var text = ed.getLine(ed.getCursor().line);
        autoIndented = text.length && !text.trim() ? ed.getLineHandle(ed.getCursor().line) : null;
      }
    });
    cm.on("beforeChange", function (ed, change) {
      if (!autoIndented) return;
      var line = ed.getLineNumber(autoIndented);
      autoIndented = null;
      var text = line === null ? null : ed.getLine(line);
      if (change.origin === "+input" && change.from.line === line && change.text.length === 1 &&
          /^ +$/.test(change.text[0]) && !text.trim() && change.from.ch === text.length) {
        change.update({ line: line, ch: 0 }, change.to, change.text);
      }
    });
    // On a phone a long line would scroll the editor sideways; wrap instead (the gutter
    // still numbers logical lines, so error and explanation line numbers stay right).
    var narrow = window.matchMedia("(max-width: 600px)");
    function fit() { cm.setOption("lineWrapping", narrow.matches); }
    fit();
    narrow.addEventListener("change", fit);
    // htmx listens for input on the textarea: keep it in step and tell it.
    cm.on("change", function () {
      cm.save();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
    // A real submit (Evaluate, or without htmx) must carry the editor's text.
    textarea.form.addEventListener("submit", function () { cm.save(); }, true);
    document.body.addEventListener("htmx:configRequest", function () { cm.save(); });
  }

  var marked = { decided: [], error: [] };

  function mark(kind, lines) {
    if (!cm) return;
    var cls = kind === "error" ? "cm-line-error" : "cm-line-decided";
    marked[kind].forEach(function (handle) { cm.removeLineClass(handle, "wrap", cls); });
    marked[kind] = [];
    lines.forEach(function (n) {
      if (n >= 1 && n <= cm.lineCount()) marked[kind].push(cm.addLineClass(n - 1, "wrap", cls));
    });
    if (kind === "decided" && lines.length) cm.scrollIntoView({ line: lines[0] - 1, ch: 0 }, 60);
  }

  function numbers(text) {
    return (text || "").split(/\s+/).filter(Boolean).map(Number);
  }

  function refresh() {
    // The reachability panel's problems, and in the lab the grade's too.
    var lines = [];
    document.querySelectorAll("[data-error-lines]").forEach(function (el) {
      lines = lines.concat(numbers(el.getAttribute("data-error-lines")));
    });
    mark("error", lines);
    var explanation = document.querySelector("#explanation .explanation");
    mark("decided", numbers(explanation && explanation.getAttribute("data-editor-lines")));
  }

  document.body.addEventListener("htmx:afterSettle", refresh);
  refresh();

  // Download the editor's current text without a round trip (without JS the button posts it).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-download]");
    if (!button) return;
    event.preventDefault();
    var text = cm ? cm.getValue() : textarea.value;
    var url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = button.getAttribute("data-download");
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
})();
