"""How the engine reports bad input: problems with a place, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass

ECHO_LIMIT = 80
PATH_PART_LIMIT = 40


def clip(value, limit: int = ECHO_LIMIT) -> str:
    """A user's value, made safe to echo: printable, quoted and at most ~80 chars."""
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("unicode_escape", "backslashreplace").decode("ascii", "replace")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f'"{text}"'


@dataclass(frozen=True)
class Problem:
    message: str
    source: str = ""  # file name, "<stdin>" or "editor"
    obj: str = ""  # "NetworkPolicy prod/db-policy"
    path: str = ""  # "spec.ingress[0].ports[0].endPort"
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or "<input>"
        if not where.isprintable():  # a file name is the user's text too
            where = clip(where, 200)[1:-1]
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.obj:
            parts.append(self.obj)
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return ": ".join(parts)


class InputError(Exception):
    """Input the engine refuses; carries every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: tuple) -> str:
    """('spec', 'ingress', 0, 'ports') -> 'spec.ingress[0].ports'.

    A key is the user's text (an unknown field, a label key): each is clipped and
    escaped like any echoed value, so a path stays short and printable.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = str(part)
            if len(part) > PATH_PART_LIMIT or not part.isascii() or not part.isprintable():
                part = clip(part, PATH_PART_LIMIT)[1:-1]
            out += f".{part}" if out else part
    return out
