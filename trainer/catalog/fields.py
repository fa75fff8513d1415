"""Reading one content file, and typed access to its fields, each problem with its line.

Every lesson, exercise and quiz file is read the same way: with the engine's
loader (trainer.netpol.loading.parse_yaml) under the content limits (trainer/limits.py),
which keeps the line of every field. Every problem is one line of one shape,

    lessons/stages/stage-3.yaml:27: claims.guide.probes[0].port: must be a number, not text

the file as `lessons/<dir>/<file>` (relative to LESSONS_DIR), the line, the field's
path from the file's root, and what is wrong. The line is left out only where there
is none (a file that cannot be read), the field only for the file as a whole (YAML
that does not parse). A FieldReader collects every problem of a file, so that one
run of `manage.py check` lists them all. Its typed getters return None for a field
they reported, so that a loader can skip the checks that depend on it: one broken
field, one message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType

from trainer.limits import limits
from trainer.netpol.loading import parse_yaml
from trainer.netpol.objects import PROTOCOLS
from trainer.netpol.problems import PATH_PART_LIMIT, InputError, Problem, clip, format_path

# A block scalar ("yaml: |") starts its text on the line after its key; inline text on the key's line.
_BLOCK_SCALAR = re.compile(r"[^#]*:\s*[|>][-+0-9]*\s*(#.*)?")
_PATH_PART = re.compile(r"\.?([^.\[\]\s]+)|\[(\d+)\]")

_KIND_NAMES = {str: "text", int: "a number", list: "a list", dict: "a mapping", bool: "true or false"}
NO_LINES: Mapping[tuple, int] = MappingProxyType({})


class ContentError(Exception):
    """Broken content, for callers that load one file and must refuse it; one message per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def kind_name(value_or_kind) -> str:
    kind = value_or_kind if isinstance(value_or_kind, type) else type(value_or_kind)
    if value_or_kind is None or kind is type(None):
        return "empty"
    return _KIND_NAMES.get(kind, kind.__name__)


def shown_name(path: Path, root: Path) -> str:
    """A content file as messages name it: lessons/<dir>/<file> under LESSONS_DIR, else as given."""
    try:
        return f"lessons/{Path(path).relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def problem_text(name: str, line: int | None, field: str, message: str) -> str:
    """'name:line: field: message', leaving out the parts that are not known."""
    where = f"{name}:{line}" if line else name
    return ": ".join(part for part in (where, field, message) if part)


def parse_path(text: str) -> tuple | None:
    """'accepted[0].solution' -> ('accepted', 0, 'solution'); None when text is no field path."""
    parts, end = [], 0
    for match in _PATH_PART.finditer(text):
        if match.start() != end or (match.group(0).startswith(".") and not parts):
            return None
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        end = match.end()
    return tuple(parts) if parts and end == len(text) else None


def line_of(lines: Mapping[tuple, int], path: tuple) -> int | None:
    """The line of a field, else of the nearest field around it, up to the file's root."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


@dataclass(frozen=True, eq=False)
class Origin:
    """Where a loaded item was read: checks that run later (the exercise audit, the quiz's
    engine keys) report in loading's shape through it."""

    name: str  # the file, as shown
    at: tuple = ()  # the item's path in the file: () for an exercise, ("questions", 3) for a question
    lines: Mapping[tuple, int] = field(default_factory=lambda: NO_LINES)  # the whole file's

    def line(self, field: tuple = ()) -> int | None:
        return line_of(self.lines, self.at + tuple(field))

    def problem(self, field: tuple, message: str) -> str:
        """The message about `field` (a path from the item), in the one shape."""
        return problem_text(self.name, self.line(field), format_path(self.at + tuple(field)), message)

    def audit(self, message: str) -> str:
        """A message that starts with the field it is about ("accepted[0]: ..."), on that field's line."""
        head, sep, rest = message.partition(": ")
        field = parse_path(head) if sep else None
        return self.problem(field, rest) if field is not None else self.problem((), message)


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
        self.lines = MappingProxyType(lines or {})
        self.text_lines = text.splitlines()
        self.problems: list[str] = []
        self.misspelt: set[tuple] = set()  # fields absent because an unknown key reported is their typo

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
        """The line of a field, else of the nearest field around it (a missing field: its mapping's)."""
        return line_of(self.lines, path)

    def origin(self, at: tuple = ()) -> Origin:
        return Origin(self.name, at, self.lines)

    def fail(self, path: tuple, message: str, line: int | None = None) -> None:
        """A problem with the field at path, on its line unless `line` says otherwise."""
        self.report(line if line is not None else self.line(path), format_path(path), message)

    def report(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(problem_text(self.name, line, field, message))

    def embedded_line(self, path: tuple, problem: Problem) -> int | None:
        """The line in this file of a problem the engine found in YAML held in the text field at path."""
        start = self.line(path)
        if start is None or problem.line is None:
            return start
        key_text = self.text_lines[start - 1] if 0 < start <= len(self.text_lines) else ""
        return start + problem.line - (0 if _BLOCK_SCALAR.fullmatch(key_text) else 1)

    def fail_embedded(self, path: tuple, problems) -> None:
        """Each problem the engine found in YAML held in a text field, at its line in this file."""
        for problem in problems.problems if isinstance(problems, InputError) else problems:
            detail = ": ".join(p for p in (problem.obj, problem.path, problem.message) if p)
            self.fail(path, detail, self.embedded_line(path, problem))

    # --- typed fields --------------------------------------------------------------

    def unknown_fields(self, data, path: tuple, known) -> None:
        """Note each key of the mapping at path that is not among `known` (listed in that order).

        An unknown key that looks like a known one that is absent ("titel", "title") is that one
        misspelt: the field it names is then not reported missing as well, one mistake, one message.
        """
        for key in data if isinstance(data, dict) else ():
            if key not in known:
                self.fail(path + (key,), f"unknown field {clip(str(key), PATH_PART_LIMIT)} "
                                         f"(expected one of {', '.join(known)})")
                absent = [k for k in known if k not in data]
                typo_of = get_close_matches(str(key), absent, n=1, cutoff=0.75)
                self.misspelt.update(path + (k,) for k in typo_of)

    def missing(self, data, path: tuple) -> bool:
        """Whether the field at path is absent, and not because an unknown key reported is its typo:
        for checks that need one of several fields."""
        return (not isinstance(data, dict) or data.get(path[-1]) is None) and path not in self.misspelt

    def mapping(self, data, path: tuple, known) -> bool:
        """Whether data, the value at path, is a mapping; reports it when not, and its unknown keys."""
        if not isinstance(data, dict):
            listed = ", ".join(known) if len(known) <= 5 else ", ".join(known[:3]) + ", ..."
            self.fail(path, f"must be a mapping ({listed}), not {kind_name(data)}")
            return False
        self.unknown_fields(data, path, known)
        return True

    def field(self, data, path: tuple, kind, required: bool = True, blank: bool = False):
        """data[path[-1]] if it is of `kind` (and, for text, not blank unless `blank`); else None,
        after noting the problem (none when the field is absent and not required)."""
        key = path[-1]
        if not isinstance(data, dict) or data.get(key) is None:
            if required and path not in self.misspelt:
                self.fail(path, "is missing")
            return None
        value = data[key]
        problem = _mismatch(value, kind, blank)
        if problem:
            self.fail(path, problem)
            return None
        return value

    def items(self, data, path: tuple, kind, required: bool = False) -> list | None:
        """data[path[-1]] as a list whose items are all of `kind` (text not blank); [] when absent
        and not required; None when broken (misspelt, or after noting each bad item)."""
        items = self.field(data, path, list, required)
        if items is None:
            return [] if not required and self.missing(data, path) else None
        bad = [(i, _mismatch(item, kind)) for i, item in enumerate(items)]
        for i, problem in bad:
            if problem:
                self.fail(path + (i,), problem)
        return None if any(problem for _, problem in bad) else items

    def strings(self, data, path: tuple, required: bool = True) -> tuple[str, ...] | None:
        items = self.items(data, path, str, required)
        return None if items is None else tuple(items)

    def port(self, data, path: tuple, required: bool = True) -> int | None:
        value = self.field(data, path, int, required)
        if value is not None and not 1 <= value <= 65535:
            self.fail(path, f"must be a port number from 1 to 65535, not {value}")
            return None
        return value

    def protocol(self, data, path: tuple) -> str | None:
        """TCP, UDP or SCTP; TCP when left out (the default everywhere, as in Kubernetes)."""
        if isinstance(data, dict) and data.get(path[-1]) is None:
            return "TCP"
        value = self.field(data, path, str)
        if value is not None and value not in PROTOCOLS:
            self.fail(path, f"must be one of {', '.join(PROTOCOLS)}")
            return None
        return value

    def duplicate(self, path: tuple, value, first: str) -> None:
        """The field at path repeats a value that must be unique; `first` is where it was first used."""
        self.fail(path, f"{value!r} is already used at {first}")
