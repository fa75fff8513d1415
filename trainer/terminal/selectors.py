"""Label selectors and label names as kubectl and apimachinery handle them.

`-l` strings are parsed as apimachinery's labels.Parse does (=, ==, !=, in,
notin, key, !key); selectors are printed as metav1.FormatLabelSelector prints
them; label keys and values are checked with apimachinery's rules and words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from trainer.netpol.objects import LabelSelector

_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_SET = re.compile(r"(?P<key>[^\s!=(),]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)")

VALUE_RULE = ("a valid label must be an empty string or consist of alphanumeric characters, "
              "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
              "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
              "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
NAME_RULE = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must "
             "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
             "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
PREFIX_RULE = ("prefix part a lowercase RFC 1123 subdomain must consist of lower case "
               "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
               "character (e.g. 'example.com', regex used for validation is "
               "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


class SelectorError(ValueError):
    pass


def key_problems(key: str) -> list[str]:
    """apimachinery's IsQualifiedName: an optional DNS subdomain prefix, '/', a name."""
    parts = key.split("/")
    if len(parts) > 2:
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.' "
                "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    problems = []
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            problems.append("prefix part must be non-empty")
        elif len(prefix) > 253:
            problems.append("prefix part must be no more than 253 characters")
        elif not _SUBDOMAIN.fullmatch(prefix):
            problems.append(PREFIX_RULE)
    name = parts[-1]
    if not name:
        problems.append("name part must be non-empty")
    elif len(name) > 63:
        problems.append("name part must be no more than 63 characters")
    elif not _NAME.fullmatch(name):
        problems.append(NAME_RULE)
    return problems


def value_problems(value: str) -> list[str]:
    problems = []
    if len(value) > 63:
        problems.append("must be no more than 63 characters")
    if value and not _NAME.fullmatch(value):
        problems.append(VALUE_RULE)
    return problems


@dataclass(frozen=True)
class Term:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "!":
            return self.key not in labels
        if self.op in ("=", "in"):
            return self.key in labels and labels[self.key] in self.values
        # != and notin match a missing key, as apimachinery's Requirement.Matches does.
        return self.key not in labels or labels[self.key] not in self.values


@dataclass(frozen=True)
class Selector:
    terms: tuple[Term, ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(t.matches(labels) for t in self.terms)


def parse_selector(text: str) -> Selector:
    """A `-l` string; raise SelectorError with apimachinery-like words."""
    terms = []
    for part in _split_top_level(text):
        part = part.strip()
        if not part:
            raise SelectorError("found '', expected: !, identifier, or 'end of string'")
        terms.append(_term(part))
    return Selector(tuple(terms))


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SelectorError("found ')', expected: identifier")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if depth:
        raise SelectorError("found 'end of string', expected: ')'")
    parts.append(current)
    return parts


def _term(part: str) -> Term:
    if part.startswith("!"):
        return Term(_key(part[1:].strip()), "!")
    found = _SET.fullmatch(part)
    if found:
        values = tuple(v.strip() for v in found["values"].split(","))
        for v in values:
            _value(v)
        return Term(_key(found["key"]), found["op"], values)
    for op in ("!=", "==", "="):
        if op in part:
            key, _, value = part.partition(op)
            if "=" in value:
                raise SelectorError(f"found '=', expected: identifier in {part!r}")
            return Term(_key(key.strip()), "!=" if op == "!=" else "=", (_value(value.strip()),))
    if any(c in part for c in " <>()"):
        raise SelectorError(f"unable to parse requirement: {part!r}")
    return Term(_key(part), "exists")


def _key(key: str) -> str:
    problems = key_problems(key)
    if problems:
        raise SelectorError(f"unable to parse requirement: invalid label key {key!r}: {problems[0]}")
    return key


def _value(value: str) -> str:
    problems = value_problems(value)
    if problems:
        raise SelectorError(f"unable to parse requirement: invalid label value: {value!r}: "
                            f"{problems[0]}")
    return value


def format_selector(selector: LabelSelector) -> str:
    """metav1.FormatLabelSelector: requirements sorted by key, '<none>' when empty."""
    parts = [(k, f"{k}={v}") for k, v in selector.match_labels]
    for r in selector.match_expressions:
        values = ",".join(sorted(r.values))
        text = {"In": f"{r.key} in ({values})", "NotIn": f"{r.key} notin ({values})",
                "Exists": r.key, "DoesNotExist": f"!{r.key}"}[r.operator]
        parts.append((r.key, text))
    parts.sort(key=lambda item: item[0])
    return ",".join(text for _, text in parts) or "<none>"


def format_labels(labels: Mapping[str, str]) -> str:
    """labels.FormatLabels: k=v pairs sorted by key, '<none>' when there are none."""
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels)) or "<none>"
