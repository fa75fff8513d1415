"""Typed access to the fields of one content file, collecting problems with their lines.

The file is read with the engine's loader (trainer.netpol.loading.parse_yaml),
which keeps the line of every field; each problem becomes one line of the form
"lessons/stages/stage-3.yaml:27: claims.guide.probes[0].port: must be a number, not text".
Reading goes on after a problem so that one run of `manage.py check` lists them all.
"""

from __future__ import annotations

import re
from pathlib import Path

from trainer.netpol.loading import Limits, parse_yaml
from trainer.netpol.problems import InputError, Problem, format_path

# Our own content, trusted more than a learner's input, but read the same safe way: generous
# limits, the same scalars as kubectl, refused tags, and the line of every field.
CONTENT_LIMITS = Limits(max_bytes=1024 * 1024, max_nodes=200_000)
_BLOCK_SCALAR = re.compile(r"[^#]*:\s*[|>][-+0-9]*\s*(#.*)?")

_KIND_NAMES = {str: "text", int: "a number", list: "a list", dict: "a mapping", bool: "true or false"}


def kind_name(value_or_kind) -> str:
    kind = value_or_kind if isinstance(value_or_kind, type) else type(value_or_kind)
    if value_or_kind is None or kind is type(None):
        return "empty"
    return _KIND_NAMES.get(kind, kind.__name__)


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
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            reader.fail((), f"cannot be read ({exc.strerror})")
            return reader, None
        except UnicodeDecodeError as exc:
            reader.fail((), f"is not UTF-8 text (byte {exc.start})")
            return reader, None
        try:
            docs = [d for d in parse_yaml(text, name, CONTENT_LIMITS) if d[0] is not None]
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
        return cls(name, lines, text), data

    # --- lines and messages --------------------------------------------------------

    def line(self, path: tuple) -> int | None:
        """The line of a field, else of the nearest field around it; None for the top of the file."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def fail(self, path: tuple, message: str, line: int | None = None) -> None:
        line = line if line is not None else self.line(path)
        where = f"{self.name}:{line}" if line else self.name
        field = format_path(path)
        self.problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")

    def fail_embedded(self, path: tuple, problem: Problem) -> None:
        """A problem the engine found in YAML held in a text field, moved to its line in this file."""
        start = self.line(path)
        line = None
        if start is not None and problem.line is not None:
            # A block scalar ("yaml: |") starts on the line after its key; inline text on the key's line.
            key_text = self.text_lines[start - 1] if 0 < start <= len(self.text_lines) else ""
            line = start + problem.line - (0 if _BLOCK_SCALAR.fullmatch(key_text) else 1)
        detail = ": ".join(p for p in (problem.obj, problem.path, problem.message) if p)
        self.fail(path, detail, line or start)

    # --- typed fields --------------------------------------------------------------

    def field(self, data, path: tuple, kind, required: bool = True):
        """data[path[-1]] if it is of `kind` (and, for text, not blank); None after noting the problem."""
        key = path[-1]
        if not isinstance(data, dict) or data.get(key) is None:
            if required:
                self.fail(path, "is missing")
            return None
        value = data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.fail(path, f"must be {kind_name(kind)}, not {kind_name(value)}")
            return None
        if isinstance(value, str) and not value.strip():
            self.fail(path, "is empty")
            return None
        return value

    def strings(self, data, path: tuple, required: bool = True) -> tuple[str, ...]:
        items = self.field(data, path, list, required)
        if items is None:
            return ()
        bad = [i for i, item in enumerate(items) if not isinstance(item, str) or not item.strip()]
        for i in bad:
            self.fail(path + (i,), f"must be non-empty text, not {kind_name(items[i])}"
                      if not isinstance(items[i], str) else "is empty")
        return tuple(items) if not bad else ()
