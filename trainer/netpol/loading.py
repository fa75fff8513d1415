"""YAML (or JSON) text -> plain values with the line of every field.

One pass over libyaml's parser events builds the values, so hostile input is
refused while it is read, before it costs time or memory: a size cap checked
before parsing, and caps on nesting depth, aliases, nodes after alias
expansion, documents and objects. Scalars are read as kubectl reads them
(YAML 1.1 as go-yaml v2 has it, without timestamps or base-60 numbers), and
tags that build other values (!!binary, !!set, !!omap, custom) are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.reader

from . import syntax_words
from .problems import InputError, Problem, clip, format_path

try:  # libyaml's parser is several times faster; PyYAML ships with it.
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _Parser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _Parser.__init__(self)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 64 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_nodes: int = 20_000
    max_documents: int = 500
    max_objects: int = 1_000
    max_int_digits: int = 20


WEB_LIMITS = Limits()
CLI_LIMITS = Limits(
    max_bytes=4 * 1024 * 1024, max_nodes=500_000, max_documents=100_000, max_objects=100_000
)


@dataclass
class Manifest:
    """One Kubernetes object from a file, with the lines of its fields."""

    data: Any
    source: str
    lines: dict = field(repr=False, default_factory=dict)
    base: tuple = ()  # where the object sits in its document (inside a List's items)

    def line(self, path: tuple = ()) -> int | None:
        """Line of a field, or of the nearest enclosing field that has one."""
        full = self.base + tuple(path)
        while True:
            line = self.lines.get(full)
            if line is not None or not full:
                return line
            full = full[:-1]

    @property
    def kind(self) -> str:
        return self.data.get("kind") if isinstance(self.data.get("kind"), str) else ""

    @property
    def label(self) -> str:
        """'NetworkPolicy prod/db-policy', as far as the object says."""
        meta = self.data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        # Names are echoed before they are validated: clipped and escaped, so that a
        # megabyte name or a terminal escape sequence stays out of every message.
        name = clip(meta["name"])[1:-1] if isinstance(meta.get("name"), str) else "<unnamed>"
        namespace = clip(meta["namespace"])[1:-1] if isinstance(meta.get("namespace"), str) else ""
        kind = clip(self.kind)[1:-1] or "object"
        if kind == "Namespace" or not namespace and kind not in ("NetworkPolicy", "Pod"):
            return f"{kind} {name}"
        return f"{kind} {namespace or 'default'}/{name}"

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(message, self.source, self.label, format_path(path), self.line(path))


# --- scalars, as go-yaml v2 resolves them (what kubectl reads) ---------------

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_FALSE = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
                   "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
                   ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}

_STR_TAG = "tag:yaml.org,2002:str"
_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "!",
}
_ALLOWED_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!"}


def _tag_name(tag: str) -> str:
    return clip(tag.replace("tag:yaml.org,2002:", "!!"))


class _Refused(Exception):
    def __init__(self, message, mark=None):
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


def _int_value(text: str, limits: Limits, mark):
    digits = text.replace("_", "").lstrip("+-")
    if len(digits) > limits.max_int_digits:
        raise _Refused(f"number {clip(text)} is too large", mark)
    sign = -1 if text.startswith("-") else 1
    body = digits
    try:
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        if body.startswith("0b"):
            return sign * int(body[2:], 2)
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if len(body) > 1 and body.startswith("0"):
            return sign * int(body[1:], 8)
        return sign * int(body)
    except ValueError:  # "0x_": no digits; go-yaml keeps such a scalar as a string
        return text


def _plain_scalar(text: str, limits: Limits, mark):
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return _int_value(text, limits, mark)
    if _FLOAT.fullmatch(text) and any(c.isdigit() for c in text):
        if len(text) > 64:
            raise _Refused(f"number {clip(text)} is too long", mark)
        return float(text.replace("_", ""))
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    return text  # timestamps, base-60 "1:20" and everything else stay strings


def _scalar(event, limits: Limits):
    tag = event.tag
    plain = event.implicit[0] and event.style in (None, "")
    if tag is not None and tag not in _ALLOWED_SCALAR_TAGS:
        raise _Refused(f"tag {_tag_name(tag)} is not allowed", event.start_mark)
    if tag in (None, "!") and plain:
        return _plain_scalar(event.value, limits, event.start_mark)
    if tag in (None, "!", _STR_TAG):
        return event.value
    value = _plain_scalar(event.value, limits, event.start_mark)
    kind = tag.rsplit(":", 1)[-1]
    wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[kind]
    if not isinstance(value, wanted) or (kind == "int" and isinstance(value, bool)):
        raise _Refused(f"value {clip(event.value)} is not a valid !!{kind}", event.start_mark)
    return value


# --- the event walk ------------------------------------------------------------

_MISSING = object()


class _Builder:
    """Builds one stream's documents from parser events, enforcing limits."""

    def __init__(self, text: str, limits: Limits):
        self.parser = _Parser(text)
        self.limits = limits
        self.nodes = 0
        self.aliases = 0
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # value, nodes, height
        self.lines: dict[tuple, int] = {}
        self.plain: dict[str, Any] = {}  # plain scalar text -> value (immutable values only)

    def documents(self):
        docs = []
        self._expect(yaml.StreamStartEvent)
        while True:
            event = self.parser.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return docs
            if len(docs) >= self.limits.max_documents:
                raise _Refused(f"more than {self.limits.max_documents} documents", event.start_mark)
            self.anchors = {}
            self.lines = {}
            value, _, _ = self._node(self.parser.get_event(), (), 1)
            self._expect(yaml.DocumentEndEvent)
            docs.append((value, self.lines, event.start_mark.line + 1))

    def _expect(self, kind):
        event = self.parser.get_event()
        if not isinstance(event, kind):  # pragma: no cover - libyaml guarantees the order
            raise _Refused(f"unexpected {type(event).__name__}", event.start_mark)
        return event

    def _count(self, n: int, mark):
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise _Refused(
                f"document expands to more than {self.limits.max_nodes} nodes "
                "(too large, or too many aliases)", mark)

    def _node(self, event, path: tuple, depth: int):
        """Returns (value, nodes in it, height)."""
        if depth > self.limits.max_depth:
            raise _Refused(f"nesting deeper than {self.limits.max_depth} levels", event.start_mark)
        cls = type(event)
        if cls is yaml.ScalarEvent and event.anchor is None:  # the common case, kept short
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                self._count(0, event.start_mark)
            if path not in self.lines:
                self.lines[path] = event.start_mark.line + 1
            if event.tag is None and not event.style:  # plain: libyaml says "", PyYAML None
                return self._plain(event), 1, 1
            return _scalar(event, self.limits), 1, 1
        if cls is yaml.AliasEvent:
            return self._alias(event, path, depth)
        self.lines.setdefault(path, event.start_mark.line + 1)
        if cls is yaml.ScalarEvent:
            self._count(1, event.start_mark)
            result = (_scalar(event, self.limits), 1, 1)
        elif isinstance(event, yaml.SequenceStartEvent):
            result = self._sequence(event, path, depth)
        elif isinstance(event, yaml.MappingStartEvent):
            result = self._mapping(event, path, depth)
        else:  # pragma: no cover
            raise _Refused(f"unexpected {type(event).__name__}", event.start_mark)
        if getattr(event, "anchor", None):
            self.anchors[event.anchor] = result
        return result

    def _plain(self, event):
        """A plain scalar's value; names, labels and ports repeat, so each text is read once."""
        text = event.value
        found = self.plain.get(text, _MISSING)
        if found is _MISSING:
            found = self.plain[text] = _plain_scalar(text, self.limits, event.start_mark)
        return found

    def _alias(self, event, path, depth):
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            raise _Refused(f"more than {self.limits.max_aliases} aliases", event.start_mark)
        if event.anchor not in self.anchors:
            # libyaml accepts an alias to an anchor still open: a recursive structure.
            raise _Refused(f"alias *{clip(event.anchor)[1:-1]} is recursive or undefined",
                           event.start_mark)
        value, nodes, height = self.anchors[event.anchor]
        if depth - 1 + height > self.limits.max_depth:
            raise _Refused(f"nesting deeper than {self.limits.max_depth} levels", event.start_mark)
        self._count(nodes, event.start_mark)
        self.lines.setdefault(path, event.start_mark.line + 1)
        return value, nodes, height

    def _collection_tag(self, event):
        if event.tag is not None and event.tag not in _ALLOWED_COLLECTION_TAGS:
            raise _Refused(f"tag {_tag_name(event.tag)} is not allowed", event.start_mark)

    def _sequence(self, start, path, depth):
        self._collection_tag(start)
        self._count(1, start.start_mark)
        items, nodes, height = [], 1, 1
        get_event, node = self.parser.get_event, self._node  # hot loop: locals are faster
        while True:
            event = get_event()
            if type(event) is yaml.SequenceEndEvent:
                return items, nodes, height
            value, n, h = node(event, path + (len(items),), depth + 1)
            items.append(value)
            nodes += n
            if h >= height:
                height = h + 1

    def _mapping(self, start, path, depth):
        self._collection_tag(start)
        self._count(1, start.start_mark)
        result, nodes, height = {}, 1, 1
        merges = []
        lines, get_event, node = self.lines, self.parser.get_event, self._node
        max_depth, max_nodes = self.limits.max_depth, self.limits.max_nodes
        while True:
            event = get_event()
            if type(event) is yaml.MappingEndEvent:
                break
            key, key_line = self._key(event)
            if key == "<<" and event.implicit[0] and not event.style:
                value_event = get_event()
                value, n, h = node(value_event, path + ("<<",), depth + 1)
                merges.append((value, value_event.start_mark))
                nodes += n
                height = max(height, h)  # merged keys land at this level, not below it
                continue
            key_path = path + (key,)
            if key in result:
                raise _Refused(
                    f"the key {clip(key)} is already defined at line {lines[key_path]}: "
                    "a key may appear only once in a mapping",
                    event.start_mark)
            lines[key_path] = key_line
            event = get_event()
            if (type(event) is yaml.ScalarEvent and event.tag is None and not event.style
                    and event.anchor is None and depth < max_depth):
                # The common `key: word` inline: a quarter of a large file's load time is
                # spent in calls; same checks and counts as _node's plain-scalar path.
                self.nodes += 1
                if self.nodes > max_nodes:
                    self._count(0, event.start_mark)
                lines.setdefault(key_path, event.start_mark.line + 1)
                result[key] = self._plain(event)
                nodes += 1
                continue
            value, n, h = node(event, key_path, depth + 1)
            result[key] = value
            nodes += n
            if h >= height:
                height = h + 1
        for value, mark in merges:
            self._merge(result, value, mark)
        return result, nodes, height

    def _key(self, event):
        if type(event) is yaml.ScalarEvent and event.tag is None and event.anchor is None:
            self.nodes += 1  # the common case; the node cap is checked with the value
            return event.value, event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            anchored = self.anchors.get(event.anchor)
            if anchored is None or not isinstance(anchored[0], str):
                raise _Refused("a mapping key must be a plain string", event.start_mark)
            return anchored[0], event.start_mark.line + 1
        if not isinstance(event, yaml.ScalarEvent):
            raise _Refused("a mapping key must be a plain string, not a collection",
                           event.start_mark)
        if event.tag is not None and event.tag not in _ALLOWED_SCALAR_TAGS:
            raise _Refused(f"tag {_tag_name(event.tag)} is not allowed", event.start_mark)
        if event.anchor:
            self.anchors[event.anchor] = (event.value, 1, 1)
        self._count(1, event.start_mark)
        return event.value, event.start_mark.line + 1

    def _merge(self, target: dict, value, mark):
        """'<<: *base' or '<<: [*a, *b]': keys already present win, then earlier merges."""
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise _Refused("a merge key (<<) needs a mapping or a list of mappings", mark)
            # Every merged key counts, so a chain of merges cannot grow quadratically.
            self._count(len(source), mark)
            for k, v in source.items():
                target.setdefault(k, v)


def parse_yaml(text: str | bytes, source: str = "<input>", limits: Limits = WEB_LIMITS):
    """Parse a YAML or JSON stream into [(value, lines, first_line)], or raise InputError."""
    if isinstance(text, bytes):
        if len(text) > limits.max_bytes:
            raise InputError([_too_large(source, len(text), limits)])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text.count(b"\n", 0, exc.start) + 1
            raise InputError([Problem(f"not UTF-8 text (byte {exc.start})", source, line=line)]) from None
    elif len(text) > limits.max_bytes or len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise InputError([_too_large(source, len(text.encode("utf-8", "surrogatepass")), limits)])
    else:
        # A lone surrogate (text decoded with surrogateescape) is no character at all.
        bad = re.search("[\ud800-\udfff]", text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise InputError([Problem("not UTF-8 text (a lone surrogate)", source, line=line)])
    text = text.removeprefix("\ufeff")
    try:
        return _Builder(text, limits).documents()
    except _Refused as exc:
        raise InputError([Problem(exc.message, source, line=exc.line)]) from None
    except yaml.MarkedYAMLError as exc:
        line, message = syntax_words.explain(exc, text)  # the parser's words made plain
        raise InputError([Problem(f"invalid YAML: {message}", source, line=line)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        column = exc.position - text.rfind("\n", 0, exc.position)
        message = f"invalid character {clip(char)} at column {column}"
        raise InputError([Problem(f"invalid YAML: {message}", source, line=line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"invalid YAML: {clip(str(exc), 200)}", source)]) from None
    except (RecursionError, MemoryError, ValueError, UnicodeError) as exc:
        raise InputError([Problem(f"input refused: {type(exc).__name__}", source)]) from None


def _too_large(source, size, limits):
    return Problem(f"input is {size} bytes; the limit is {limits.max_bytes} bytes", source)


def load_manifests(text: str | bytes, source: str = "<input>", limits: Limits = WEB_LIMITS):
    """Every object in the text, `kind: List` items unpacked, as Manifests.

    Empty documents are skipped; a document that is not a mapping is a problem.
    """
    manifests, problems = [], []
    for doc_index, (value, lines, first_line) in enumerate(parse_yaml(text, source, limits)):
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(Problem(
                f"document {doc_index + 1} is a {_type_name(value)}, not a Kubernetes object "
                "(a mapping with apiVersion and kind)", source, line=first_line))
            continue
        manifests += _objects(value, lines, (), source, problems)
        if len(manifests) > limits.max_objects:
            raise InputError([Problem(f"more than {limits.max_objects} objects", source)])
    if problems:
        raise InputError(problems)
    return manifests


def _is_list(value: dict) -> bool:
    kind = value.get("kind")
    return kind == "List" or isinstance(kind, str) and kind.endswith("List") and "items" in value


def _objects(value: dict, lines: dict, base: tuple, source: str, problems: list) -> list[Manifest]:
    """A mapping as the objects it holds: itself, or a List's items, Lists inside Lists
    included (kubectl flattens them all; skipping one would drop its policies unseen).
    Nesting is bounded by the loader's depth cap."""
    if not _is_list(value):
        return [Manifest(value, source, lines, base)]
    kind = value["kind"]
    shown = clip(kind)[1:-1]
    items = value.get("items")
    if items is None:
        return []
    if not isinstance(items, list):
        at = base + ("items",)
        problems.append(Problem("items must be a list", source, shown, format_path(at), lines.get(at)))
        return []
    found = []
    for i, item in enumerate(items):
        at = base + ("items", i)
        if not isinstance(item, dict):
            problems.append(Problem(f"is a {_type_name(item)}, not an object", source, shown,
                                    format_path(at), lines.get(at)))
            continue
        if "kind" not in item and kind != "List":
            # Typed lists from the raw API (PodList, NetworkPolicyList) omit
            # their items' kind and apiVersion: they are the list's.
            item["kind"] = kind[: -len("List")]
            if "apiVersion" not in item and "apiVersion" in value:
                item["apiVersion"] = value["apiVersion"]
        found += _objects(item, lines, at, source, problems)
    return found


def _type_name(value) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__
