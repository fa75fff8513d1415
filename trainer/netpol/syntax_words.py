"""YAML syntax errors in plain words: the line, what is wrong there and what was expected.

libyaml says what its parser was doing when it gave up ("while parsing a block collection: did
not find expected '-' indicator"). A learner needs what to change: a tab to replace, a line
indented differently from its neighbours, a "- " missing, a quote or bracket never closed.
explain() reads the error's marks against the text and says that; where no rule fits, it keeps
the parser's own words (never its "while parsing ..." context) with the column.

Pure Python, no Django: loading.py calls it for every yaml.MarkedYAMLError.
"""

from __future__ import annotations

import re

import yaml

from .problems import clip

_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks libyaml counts
_DASH_WORD = re.compile(r" *-(?=[A-Za-z])")  # "-from:", "-Ingress": a list item without its space
_PAIRS = {"[": "]", "{": "}"}
_NOUNS = {"[": "list", "{": "mapping"}
_STARTS = {"&": "an anchor (&name)", "*": "an alias (*name)", "!": "a tag (!name)"}
MAX_INDENTS_TOLD = 5
WORD_LIMIT = 40


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """(line, message) for a syntax error in `text`; the line is 1-based, None when unknown."""
    reading = _Reading(exc, text)
    try:
        return reading.explain()
    except Exception:  # a rule's slip must not turn a learner's typo into a 500
        mark = reading.at
        return (mark.line + 1 if mark else None), reading.parser_words()


class _Reading:
    """One error read against the text it came from."""

    def __init__(self, exc: yaml.MarkedYAMLError, text: str):
        self.lines = _BREAKS.split(text)
        self.context = exc.context or ""
        self.problem = exc.problem or ""
        self.at = exc.problem_mark or exc.context_mark
        self.start = exc.context_mark or self.at

    def explain(self) -> tuple[int | None, str]:
        if self.at is None:
            return None, self.problem or "not valid YAML"
        if "depth" in self.problem:  # libyaml's own cap, past the loader's
            return self._shown(self.at.line), f"nesting too deep (column {self.at.column + 1})"
        # Most particular first; a quote or bracket left open swallows the lines after it.
        for rule in (self._byte_order_mark, self._tab, self._quote, self._flow, self._dash_without_space,
                     self._block_list, self._block_mapping, self._colon, self._no_colon,
                     self._special_start):
            found = rule()
            if found is not None:
                line, message = found
                return self._shown(line), message
        return self._shown(self.at.line), self.parser_words()

    # --- reading the text ---------------------------------------------------------

    def _line(self, n: int) -> str:
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def _char(self, mark, offset: int = 0) -> str:
        line = self._line(mark.line)
        i = mark.column + offset
        return line[i] if 0 <= i < len(line) else ""

    def _shown(self, n: int) -> int:
        """A 0-based line as the editor numbers it; the end of the text is its last line."""
        last = max((i for i, t in enumerate(self.lines) if t.strip()), default=0)
        return min(n, last) + 1

    def _at_end(self, mark) -> bool:
        rest = [self._line(mark.line)[mark.column:]] + self.lines[mark.line + 1:]
        return not any(_content(t) for t in rest)

    def _first_column(self, n: int) -> int:
        line = self._line(n)
        return len(line) - len(line.lstrip(" \t"))

    def _previous(self, n: int) -> int | None:
        """The nearest line above n with something on it other than a comment."""
        for i in range(n - 1, -1, -1):
            if _content(self._line(i)):
                return i
        return None

    # --- the rules, most particular first ---------------------------------------------

    def _byte_order_mark(self):
        """U+FEFF inside the text (an editor's or a concatenation's): invisible, and no YAML."""
        column = self._line(self.at.line).find("\ufeff")
        if column < 0:
            return None
        return self.at.line, f"an invisible byte order mark (U+FEFF) at column {column + 1}: delete it"

    def _tab(self):
        """A tab in the indentation (or where the parser stopped): YAML indents with spaces."""
        line = self._line(self.at.line)
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "tab" not in self.problem and self._char(self.at) != "\t" and "\t" not in leading:
            return None
        column = line.find("\t") + 1 or self.at.column + 1
        return self.at.line, (f"a tab character (column {column}); YAML indents with spaces only: "
                              "replace the tab with spaces")

    def _dash_without_space(self):
        """'-from:' for '- from:': a key that starts with a dash, which throws the lines below
        out of line. Looked for from the line above where the parser's context began (a list
        under "-from:" begins below it) to where the parser stopped."""
        for n in range(max(self.start.line - 1, 0), self.at.line + 1):
            found = _DASH_WORD.match(self._line(n))
            if found:
                return n, (f'a list item starts with "- ", a dash and a space: add a space after the '
                           f"dash at column {found.end()}")
        return None

    def _quote(self):
        if "quoted scalar" not in self.context:
            return None
        quote = self._char(self.start) or '"'
        if "end of stream" in self.problem or "document indicator" in self.problem:
            apostrophe = " (inside '...', write '' for an apostrophe)" if quote == "'" else ""
            return self.start.line, (f"the quote {quote} at column {self.start.column + 1} is never "
                                     f"closed: end the value with another {quote}{apostrophe}")
        if "escape" in self.problem or "hexdecimal" in self.problem:
            return self.at.line, (f'an escape after "\\" inside double quotes that YAML cannot read '
                                  f"(column {self.at.column + 1}): write \\\\ for a backslash, "
                                  "or use single quotes")
        return None

    def _flow(self):
        """[ ] and { }: one never closed, a comma missing, a "- " inside."""
        if not self.context.startswith("while parsing a flow"):
            return None
        opener = self._char(self.start)
        if "flow node" in self.context or opener not in _PAIRS:
            opener_at = _unclosed(self.lines, self.at.line, self.at.column)
            if self._at_end(self.at) and opener_at is not None:
                return self._never_closed(*opener_at)
            if self._char(self.at) == "-":
                return self.at.line, (f'a list item ("- ", column {self.at.column + 1}) cannot go inside '
                                      "[ ] or { }: write the items between the brackets with commas, "
                                      "as [a, b]")
            return None
        if _closes(self.lines, self.start.line, self.start.column) is None:
            return self._never_closed(self.start.line, self.start.column)
        close = _PAIRS[opener]
        return self.at.line, (f"expected ',' or '{close}' at column {self.at.column + 1}, in the "
                              f"{_NOUNS[opener]} opened with '{opener}' on line {self.start.line + 1}: "
                              f"a comma is missing between two items, or the '{close}' after the last")

    def _never_closed(self, line: int, column: int):
        opener = self._line(line)[column]
        return line, (f"the '{opener}' at column {column + 1} is never closed: end the "
                      f"{_NOUNS[opener]} with '{_PAIRS[opener]}'")

    def _block_list(self):
        if "block collection" not in self.context and "block sequence" not in self.context:
            return None
        at = self.at
        if at.column != self.start.column:
            return at.line, self._indentation(at.line)
        return at.line, ('expected a list item starting with "- ": the list that starts on line '
                         f"{self.start.line + 1} has its items at this indentation. Start this line "
                         'with "- " if it is another item, or indent it under the item above')

    def _block_mapping(self):
        if "block mapping" not in self.context:
            return None
        at = self.at
        char, column = self._char(at), at.column + 1
        before = self._line(at.line)[: at.column].rstrip()
        if char in ("]", "}"):
            opener = "[" if char == "]" else "{"
            return at.line, (f"a '{char}' at column {column} that closes nothing: remove it, "
                             f"or open it with '{opener}'")
        if before.endswith(("'", '"')):
            apostrophe = " (inside '...', write '' for an apostrophe)" if before.endswith("'") else ""
            return at.line, (f"text after the closing quote, at column {column}: put the whole value "
                             f"inside the quotes{apostrophe}")
        if before.strip():
            return at.line, (f"unexpected text at column {column}: after a value, the line ends "
                             '(a comment starts with " #")')
        if char == "-" and self._char(at, 1) in ("", " ") and at.column in self._indents_above(at.line):
            return at.line, ('a list item ("- ") where a `key: value` is expected, as in the mapping '
                             f"that starts on line {self.start.line + 1}. A list goes under a key of "
                             'its own (`key:`, then its items below it), and each item starts with "- "')
        if at.column != self.start.column:
            return at.line, self._indentation(at.line)
        return None

    def _colon(self):
        """A ': ' where no key can start: a second one on the line, or a line that
        continues the value above it."""
        if "mapping values are not allowed" not in self.problem:
            return None
        n, column = self.at.line, self.at.column
        line = self._line(n)
        first = line.find(": ")
        if 0 <= first < column:
            key, value = line[:first].strip(), line[first + 2:].strip()
            example = clip(f'{key}: "{value}"', WORD_LIMIT * 2)[1:-1]
            return n, (f'a second ": " on this line (column {column + 1}): a value that contains ": " '
                       f"must be in quotes, as {example}")
        above = self._previous(n)
        if above is None:
            return n, self._stray_colon(column)
        shown = above + 1
        if self._first_column(n) > self._first_column(above):
            head, colon, rest = _content(self._line(above)).partition(": ")
            emptied = (f", or leave line {shown}'s value empty if this line belongs under it"
                       if colon and rest.strip() else "")
            return n, (f"this line is indented more than line {shown}, so YAML reads it as the rest "
                       f"of line {shown}'s value, where no `key:` can start: line it up with the keys "
                       f"above it{emptied}")
        text = _content(self._line(above)).strip()
        if ": " in text or text.endswith(":"):
            return n, self._stray_colon(column)
        key, colon, value = text.removeprefix("- ").partition(":")
        if colon:  # "role:db": one word to YAML
            fixed = clip(f"{key}: {value}", WORD_LIMIT * 2)
            return n, (f"line {shown} has no space after its ':', so YAML reads line {shown} and this "
                       f"line as one text, where no `key:` can start: write {fixed} on line {shown}")
        return n, (f"line {shown} has no ':' after its key, so YAML reads line {shown} and this "
                   f"line as one text, where no `key:` can start: add the ':' on line {shown}")

    @staticmethod
    def _stray_colon(column: int) -> str:
        return (f"a ':' at column {column + 1} where no `key:` can start: check this line's "
                "indentation against the lines above it, and whether one of them lacks its ':'")

    def _no_colon(self):
        if "could not find expected ':'" not in self.problem:
            return None
        n = self.start.line
        word = clip(_content(self._line(n)).strip(), WORD_LIMIT)
        above = self._previous(n)
        if above is not None and _content(self._line(above)).lstrip().startswith("- ") \
                and self._first_column(above) == self._first_column(n):
            return n, (f'{word} has no ":" after it: if it is another item of the list above, start it '
                       'with "- "; if it is a key, add ":" after it')
        return n, f'{word} has no ":" after it: a line of a mapping is `key: value`'

    def _special_start(self):
        """&, *, ! start anchors, aliases and tags; @ and ` start nothing."""
        if any(w in self.context for w in ("anchor", "alias", "tag")) or "tag" in self.problem:
            char, mark = self._char(self.start), self.start
            if char in _STARTS:
                return mark.line, (f'"{char}" at column {mark.column + 1} starts {_STARTS[char]} in '
                                   "YAML: if it is part of the value, put the value in quotes")
        char = self._char(self.at)
        if "cannot start any token" in self.problem and char:
            return self.at.line, (f"a value cannot start with {clip(char)} (column {self.at.column + 1}): "
                                  "put the value in quotes")
        return None

    def _indents_above(self, n: int) -> list[int]:
        """The indentations of the lines above n, from where the parser's context began."""
        return sorted({self._first_column(i) for i in range(self.start.line, n) if _content(self._line(i))})

    def _indentation(self, n: int) -> str:
        """The line's indentation against that of the lines above it."""
        here = self._first_column(n)
        above = self._indents_above(n)
        if len(above) > MAX_INDENTS_TOLD:
            above = sorted(sorted(above, key=lambda x: abs(x - here))[:MAX_INDENTS_TOLD])
        told = _either([str(x) for x in above]) if above else "0"
        return (f"this line is indented differently from the lines above it ({here} space"
                f"{'' if here == 1 else 's'} here, {told} above): the keys of one mapping line up "
                "exactly, and so do the items of one list")

    def parser_words(self) -> str:
        """No rule fits: the parser's own problem, without its "while ..." context."""
        words = self.problem or "not valid YAML"
        return f"{words} (column {self.at.column + 1})" if self.at is not None else words


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _content(line: str) -> str:
    """A line without its comment ('#' at the start or after a space)."""
    stripped = line.lstrip(" \t")
    if stripped.startswith("#"):
        return ""
    cut = re.search(r"[ \t]#", line)
    return (line[: cut.start()] if cut else line).rstrip()


def _flow_chars(lines: list[str], line: int, column: int):
    """(line, column, char) of the brackets from (line, column) on, outside quotes and comments.
    An approximation of YAML's flow syntax, good enough to tell an unclosed bracket."""
    quote = ""
    for n in range(line, len(lines)):
        text = lines[n]
        i = column if n == line else 0
        while i < len(text):
            c = text[i]
            if quote:
                if c == "\\" and quote == '"':
                    i += 1
                elif c == quote:
                    if quote == "'" and text[i + 1: i + 2] == "'":
                        i += 1
                    else:
                        quote = ""
            elif c in "'\"" and (i == 0 or text[i - 1] in " \t[{,:"):
                quote = c
            elif c == "#" and (i == 0 or text[i - 1] in " \t"):
                break
            elif c in "[]{}":
                yield n, i, c
            i += 1


def _closes(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """Where the bracket at (line, column) is closed, or None."""
    depth = 0
    for n, i, c in _flow_chars(lines, line, column):
        depth += 1 if c in _PAIRS else -1
        if depth == 0:
            return n, i
    return None


def _unclosed(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """The innermost bracket opened before (line, column) and not closed by then."""
    stack = []
    for n, i, c in _flow_chars(lines, 0, 0):
        if (n, i) >= (line, column):
            break
        if c in _PAIRS:
            if stack or i == 0 or lines[n][:i].rstrip().endswith((":", "-", ",")) or not lines[n][:i].strip():
                stack.append((n, i))
        elif stack:
            stack.pop()
    return stack[-1] if stack else None
