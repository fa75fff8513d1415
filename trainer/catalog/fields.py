"""Reading one content file, and typed access to its fields, each problem with its line.

Every lesson, exercise and quiz file is read the same way: with the engine's
loader (trainer.netpol.loading.parse_yaml) under the content limits (trainer/limits.py), which keeps the
line of every field. Each problem becomes one line of the form
"lessons/stages/stage-3.yaml:27: claims.guide.probes[0].port: must be a number, not text".
A FieldReader collects them, so that one run of `manage.py check` lists them all;
a subclass may override report() to stop at the first instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from trainer.limits import limits
from trainer.netpol.loading import parse_yaml
from trainer.netpol.objects import PROTOCOLS
from trainer.netpol.problems import InputError, Problem, format_path

# Our own content, trusted more than a learner's input, but read the same safe way: generous
# limits, the same scalars as kubectl, refused tags, and the line of every field.
_BLOCK_SCALAR = re.compile(r"[^#]*:\s*[|>][-+0-9]*\s*(#.*)?")

_KIND_NAMES = {str: "text", int: "a number", list: "a list", dict: "a mapping", bool: "true or false"}


def kind_name(value_or_kind) -> str:
    kind = value_or_kind if isinstance(value_or_kind, type) else type(value_or_kind)
    if value_or_kind is None or kind is type(None):
        return "empty"
    return _KIND_NAMES.get(kind, kind.__name__)


def problem_text(name: str, line: int | None, field: str, message: str, who: str = "") -> str:
    """'name:line: who: field: message', leaving out the parts that are not known."""
    where = f"{name}:{line}" if line else name
    return ": ".join(part for part in (where, who, field, message) if part)


def _mismatch(value, kind, blank: bool = False) -> str | None:
    """What is wrong with value as a `kind` (a bool is no number; blank text is empty), or None."""
    if not isinstance(value, kind) or kind is int and isinstance(value, bool):
        return f"must be {kind_name(kind)}, not {kind_name(value)}"
    if isinstance(value, str) and not blank and not value.strip():
        return "is empty"
    return None


class FieldReader:
    """One file's problems, each named by file, line and field path (a tuple, e.g. ("body", 2, "note"))."""

    def __init__(self, name: str, lines: dict | None = None, text: str = ""):
        self.name = name  # as shown: "lessons/stages/stage-3.yaml"
        self.lines = lines or {}
        self.text_lines = text.splitlines()
        self.problems: list[str] = []

    @classmethod
    def read(cls, path: Path, name: str):
        """(reader, the file's single document or None); a file that cannot be read or parsed is a problem."""
        reader = cls(name)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            reader.fail((), f"cannot be read ({exc.strerror})")
            return reader, None
        try:
            # Bytes, not text: the engine names the line of a byte that is not UTF-8.
            docs = [d for d in parse_yaml(raw, name, limits().content) if d[0] is not None]
        except InputError as exc:
            for problem in exc.problems:
                reader.fail((), problem.message, problem.line)
            return reader, None
        if len(docs) > 1:
            reader.fail((), f"holds {len(docs)} YAML documents; it must hold one", docs[1][2])
            return reader, None
        if not docs:
            reader.fail((), "is empty")
            return reader, None
        data, lines, _ = docs[0]
        return cls(name, lines, raw.decode("utf-8")), data

    # --- lines and messages --------------------------------------------------------

    def line(self, path: tuple) -> int | None:
        """The line of a field, else of the nearest field around it; None for the top of the file."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def fail(self, path: tuple, message: str, line: int | None = None, who: str = "") -> None:
        """A problem with the field at path, on its line unless `line` says otherwise."""
        self.report(line if line is not None else self.line(path), format_path(path), message, who)

    def report(self, line: int | None, field: str, message: str, who: str = "") -> None:
        self.problems.append(problem_text(self.name, line, field, message, who))

    def embedded_line(self, path: tuple, problem: Problem) -> int | None:
        """The line in this file of a problem the engine found in YAML held in the text field at path."""
        start = self.line(path)
        if start is None or problem.line is None:
            return start
        # A block scalar ("yaml: |") starts on the line after its key; inline text on the key's line.
        key_text = self.text_lines[start - 1] if 0 < start <= len(self.text_lines) else ""
        return start + problem.line - (0 if _BLOCK_SCALAR.fullmatch(key_text) else 1)

    def fail_embedded(self, path: tuple, error: InputError) -> None:
        """Each problem the engine found in YAML held in a text field, moved to its line in this file."""
        for problem in error.problems:
            detail = ": ".join(p for p in (problem.obj, problem.path, problem.message) if p)
            self.fail(path, detail, self.embedded_line(path, problem))

    # --- typed fields --------------------------------------------------------------

    def unknown_fields(self, data, path: tuple, known, who: str = "") -> None:
        """Note each key of the mapping at path that is not among `known` (listed in that order)."""
        for key in data if isinstance(data, dict) else ():
            if key not in known:
                self.fail(path + (key,), f"unknown field (expected one of {', '.join(known)})", who=who)

    def field(self, data, path: tuple, kind, required: bool = True, blank: bool = False):
        """data[path[-1]] if it is of `kind` (and, for text, not blank unless `blank`); else None,
        after noting the problem."""
        key = path[-1]
        if not isinstance(data, dict) or data.get(key) is None:
            if required:
                self.fail(path, "is missing")
            return None
        value = data[key]
        problem = _mismatch(value, kind, blank)
        if problem:
            self.fail(path, problem)
            return None
        return value

    def items(self, data, path: tuple, kind, required: bool = False) -> list:
        """data[path[-1]] as a list whose items are all of `kind` (text not blank); [] when absent
        or after noting each bad item."""
        items = self.field(data, path, list, required)
        if items is None:
            return []
        bad = [(i, _mismatch(item, kind)) for i, item in enumerate(items)]
        for i, problem in bad:
            if problem:
                self.fail(path + (i,), problem)
        return [] if any(problem for _, problem in bad) else items

    def strings(self, data, path: tuple, required: bool = True) -> tuple[str, ...]:
        return tuple(self.items(data, path, str, required))

    def port(self, data, path: tuple, required: bool = True) -> int | None:
        value = self.field(data, path, int, required)
        if value is not None and not 1 <= value <= 65535:
            self.fail(path, f"must be a port number from 1 to 65535, not {value}")
            return None
        return value

    def protocol(self, data, path: tuple, required: bool = False) -> str | None:
        """TCP, UDP or SCTP; TCP when left out and not required."""
        if not required and isinstance(data, dict) and data.get(path[-1]) is None:
            return "TCP"
        value = self.field(data, path, str, required)
        if value is not None and value not in PROTOCOLS:
            self.fail(path, f"must be one of {', '.join(PROTOCOLS)}")
            return None
        return value
