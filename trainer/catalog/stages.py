"""The walkthrough's content: six stages and the scenarios (clusters) they run in.

lessons/stages/stage-N.yaml hold the stages, lessons/stages/scenarios.yaml the
scenarios, whose manifests are under lessons/clusters/. Everything is read once
into frozen dataclasses; problems() reports each broken file or field in one
line so that `manage.py check` fails on broken content.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import PROTOCOLS, Cluster
from trainer.netpol.problems import InputError

STAGE_COUNT = 6
BLOCK_KINDS = ("p", "note", "warning", "list", "table")
_PORT = re.compile(r"(\d{1,5})/(TCP|UDP|SCTP)")


class ContentError(Exception):
    """Broken content; one message per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Block:
    """One piece of a stage's text. kind: p, note, warning, list or table."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Probe:
    src: str
    dst: str
    port: int
    protocol: str
    allowed: bool


@dataclass(frozen=True)
class Claims:
    """What a stage's own YAML does in one scenario (checked by the content tests)."""

    reaches_db: frozenset[str]  # exactly the sources that reach the focus on its port
    db_reaches: frozenset[tuple[str, int, str]] | None  # exactly what the focus may open, if given
    probes: tuple[Probe, ...] = ()


@dataclass(frozen=True)
class External:
    ip: str
    label: str


@dataclass(frozen=True)
class Focus:
    pod: str
    port: int
    protocol: str
    label: str


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    cluster_file: str
    cluster: Cluster
    apply_namespace: str
    focus: Focus
    ports: tuple[tuple[int, str], ...]
    externals: tuple[External, ...]


@dataclass(frozen=True)
class Stage:
    number: int
    slug: str
    title: str
    goal: str
    body: tuple[Block, ...]
    tries: tuple[str, ...]
    yaml: str
    claims: dict  # scenario slug -> Claims

    @property
    def filename(self) -> str:
        return f"db-policy-stage-{self.number}.yaml"


@dataclass(frozen=True)
class Catalog:
    stages: tuple[Stage, ...]
    scenarios: tuple[Scenario, ...]

    def stage(self, number: int) -> Stage | None:
        return self.stages[number - 1] if 1 <= number <= len(self.stages) else None

    def scenario(self, slug: str | None) -> Scenario | None:
        """The named scenario, the first (default) one for None, or None when unknown."""
        if not slug:
            return self.scenarios[0]
        return next((s for s in self.scenarios if s.slug == slug), None)


def lessons_dir() -> Path:
    return Path(settings.LESSONS_DIR)


@functools.cache
def catalog() -> Catalog:
    """Everything, loaded once per process; raises ContentError when broken."""
    return _load(lessons_dir())


def problems() -> list[str]:
    try:
        _load(lessons_dir())
    except ContentError as exc:
        return exc.problems
    return []


# --- loading -------------------------------------------------------------------


class _Reader:
    """Reads fields of one file, collecting problems instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, where: str, message: str):
        self.problems.append(f"{self.name}: {where}: {message}" if where else f"{self.name}: {message}")

    def field(self, data, key: str, kind, where: str = "", required: bool = True):
        path = f"{where}.{key}" if where else key
        if not isinstance(data, dict) or key not in data or data[key] is None:
            if required:
                self.fail(path, "is missing")
            return None
        value = data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.fail(path, f"must be {_kind_name(kind)}")
            return None
        if isinstance(value, str) and not value.strip():
            self.fail(path, "is empty")
            return None
        return value

    def strings(self, data, key: str, where: str = "", required: bool = True) -> tuple[str, ...]:
        items = self.field(data, key, list, where, required)
        if items is None:
            return ()
        path = f"{where}.{key}" if where else key
        bad = [i for i, item in enumerate(items) if not isinstance(item, str) or not item.strip()]
        for i in bad:
            self.fail(f"{path}[{i}]", "must be a non-empty string")
        return tuple(str(item) for item in items) if not bad else ()


def _kind_name(kind) -> str:
    return {str: "a string", int: "a number", list: "a list", dict: "a mapping", bool: "true or false"}[kind]


def _read_yaml(path: Path, reader: _Reader):
    try:
        # Our own content, but loaded safely all the same.
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        reader.fail("", f"cannot be read ({exc.strerror})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        reader.fail("", f"{line}invalid YAML: {getattr(exc, 'problem', None) or exc}")
    return None


def _load(root: Path) -> Catalog:
    problems: list[str] = []
    scenarios = _load_scenarios(root, problems)
    stages = []
    for number in range(1, STAGE_COUNT + 1):
        stage = _load_stage(root / "stages" / f"stage-{number}.yaml", number, scenarios, problems)
        if stage is not None:
            stages.append(stage)
    if problems:
        raise ContentError(problems)
    return Catalog(tuple(stages), tuple(scenarios))


def _load_scenarios(root: Path, problems: list[str]) -> list[Scenario]:
    path = root / "stages" / "scenarios.yaml"
    reader = _Reader(f"lessons/stages/{path.name}")
    data = _read_yaml(path, reader)
    scenarios = []
    if data is not None and (not isinstance(data, list) or not data):
        reader.fail("", "must be a non-empty list of scenarios")
    elif data is not None:
        for i, item in enumerate(data):
            scenario = _scenario(root, item, f"[{i}]", reader)
            if scenario is not None:
                scenarios.append(scenario)
        slugs = [s.slug for s in scenarios]
        for slug in {s for s in slugs if slugs.count(s) > 1}:
            reader.fail("", f"scenario slug {slug!r} is used twice")
    problems += reader.problems
    return scenarios


def _scenario(root: Path, item, where: str, reader: _Reader) -> Scenario | None:
    before = len(reader.problems)
    slug = reader.field(item, "slug", str, where)
    title = reader.field(item, "title", str, where)
    summary = reader.field(item, "summary", str, where)
    cluster_file = reader.field(item, "cluster", str, where)
    apply_namespace = reader.field(item, "apply_namespace", str, where)
    focus_data = reader.field(item, "focus", dict, where)
    ports = _ports(reader.strings(item, "ports", where), f"{where}.ports", reader)
    externals = []
    for j, ext in enumerate(reader.field(item, "externals", list, where, required=False) or ()):
        ip = reader.field(ext, "ip", str, f"{where}.externals[{j}]")
        label = reader.field(ext, "label", str, f"{where}.externals[{j}]")
        if ip is not None and not _is_ip(ip):
            reader.fail(f"{where}.externals[{j}].ip", f"{ip!r} is not an IP address")
        externals.append(External(str(ip), str(label)))
    focus = None
    if focus_data is not None:
        fw = f"{where}.focus"
        pod = reader.field(focus_data, "pod", str, fw)
        port = reader.field(focus_data, "port", int, fw)
        protocol = reader.field(focus_data, "protocol", str, fw)
        label = reader.field(focus_data, "label", str, fw)
        if protocol is not None and protocol not in PROTOCOLS:
            reader.fail(f"{fw}.protocol", f"must be one of {', '.join(PROTOCOLS)}")
        focus = Focus(str(pod), port or 0, str(protocol), str(label))
    cluster = None
    if cluster_file is not None:
        cluster = _cluster(root / "clusters" / cluster_file, f"lessons/clusters/{cluster_file}", reader)
    if cluster is not None and focus is not None and cluster.pod(focus.pod) is None:
        reader.fail(f"{where}.focus.pod", f"no pod {focus.pod} in {cluster_file}")
    if len(reader.problems) > before:
        return None
    return Scenario(slug, title, summary, cluster_file, cluster, apply_namespace, focus,
                    tuple(ports), tuple(externals))


def _cluster(path: Path, name: str, reader: _Reader) -> Cluster | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        reader.fail("", f"{name} cannot be read ({exc.strerror})")
        return None
    try:
        return load_cluster([(text, name)])
    except InputError as exc:
        for problem in exc.problems:
            reader.fail("", str(problem))
    return None


def _ports(items, where: str, reader: _Reader) -> list[tuple[int, str]]:
    ports = []
    for i, item in enumerate(items):
        m = _PORT.fullmatch(item)
        if not m or not 1 <= int(m.group(1)) <= 65535:
            reader.fail(f"{where}[{i}]", f"{item!r} is not PORT/PROTOCOL (e.g. 3306/TCP)")
            continue
        ports.append((int(m.group(1)), m.group(2)))
    return ports


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _load_stage(path: Path, number: int, scenarios: list[Scenario], problems: list[str]) -> Stage | None:
    reader = _Reader(f"lessons/stages/{path.name}")
    data = _read_yaml(path, reader)
    if data is None:
        if not reader.problems:
            reader.fail("", "is empty")
        problems += reader.problems
        return None
    if not isinstance(data, dict):
        reader.fail("", "must be a mapping")
        problems += reader.problems
        return None
    found = reader.field(data, "number", int)
    if found is not None and found != number:
        reader.fail("number", f"is {found}, but the file is stage {number}")
    slug = reader.field(data, "slug", str)
    title = reader.field(data, "title", str)
    goal = reader.field(data, "goal", str)
    body = _body(reader.field(data, "body", list), reader)
    tries = reader.strings(data, "try", required=False)
    text = reader.field(data, "yaml", str)
    if text is not None:
        try:
            load_policies(text, source=path.name)
        except InputError as exc:
            for problem in exc.problems:
                reader.fail("yaml", f"line {problem.line}: {problem.message}" if problem.line else problem.message)
    claims = _claims(reader.field(data, "claims", dict), scenarios, reader)
    problems += reader.problems
    if reader.problems:
        return None
    return Stage(number, slug, title, goal, body, tries, text, claims)


def _body(items, reader: _Reader) -> tuple[Block, ...]:
    blocks = []
    for i, item in enumerate(items or ()):
        where = f"body[{i}]"
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in BLOCK_KINDS:
            reader.fail(where, f"must be one of {', '.join(k + ':' for k in BLOCK_KINDS)}")
            continue
        kind, value = next(iter(item.items()))
        if kind == "list":
            blocks.append(Block(kind, items=reader.strings(item, "list", where)))
        elif kind == "table":
            blocks.append(_table(value, f"{where}.table", reader))
        else:
            text = reader.field(item, kind, str, where)
            blocks.append(Block(kind, text=text or ""))
    if items is not None and not blocks:
        reader.fail("body", "has no text")
    return tuple(blocks)


def _table(value, where: str, reader: _Reader) -> Block:
    caption = reader.field(value, "caption", str, where)
    header = reader.strings(value, "header", where)
    rows = []
    for j, row in enumerate(reader.field(value, "rows", list, where) or ()):
        if not isinstance(row, list) or len(row) != len(header) or not all(isinstance(c, str) for c in row):
            reader.fail(f"{where}.rows[{j}]", f"must be a list of {len(header)} strings")
            continue
        rows.append(tuple(row))
    return Block("table", caption=caption or "", header=header, rows=tuple(rows))


def _claims(data, scenarios: list[Scenario], reader: _Reader) -> dict:
    if data is None:
        return {}
    by_slug = {s.slug: s for s in scenarios}
    claims = {}
    if scenarios and scenarios[0].slug not in data:
        reader.fail("claims", f"must cover the default scenario {scenarios[0].slug!r}")
    for slug, item in data.items():
        where = f"claims.{slug}"
        scenario = by_slug.get(slug)
        if scenario is None:
            reader.fail(where, f"no scenario {slug!r} in scenarios.yaml")
            continue
        known = {p.key for p in scenario.cluster.pods} | {e.ip for e in scenario.externals}
        reaches = reader.strings(item, "reaches_db", where)
        for name in reaches:
            if name not in known:
                reader.fail(f"{where}.reaches_db", f"{name!r} is no pod or external host of {slug}")
        db_reaches = None
        if isinstance(item, dict) and "db_reaches" in item:
            db_reaches = set()
            for i, text in enumerate(reader.strings(item, "db_reaches", where)):
                dst, _, port = text.partition(" ")
                parsed = _ports([port], f"{where}.db_reaches[{i}]", reader)
                if dst not in known:
                    reader.fail(f"{where}.db_reaches[{i}]", f"{dst!r} is no pod or external host of {slug}")
                elif parsed:
                    db_reaches.add((dst, *parsed[0]))
            db_reaches = frozenset(db_reaches)
        probes = []
        for i, raw in enumerate(reader.field(item, "probes", list, where, required=False) or ()):
            pw = f"{where}.probes[{i}]"
            src = reader.field(raw, "from", str, pw)
            dst = reader.field(raw, "to", str, pw)
            port = reader.field(raw, "port", int, pw)
            protocol = (raw.get("protocol") if isinstance(raw, dict) else None) or "TCP"
            allowed = reader.field(raw, "allowed", bool, pw)
            for end in (src, dst):
                if end is not None and end not in known:
                    reader.fail(pw, f"{end!r} is no pod or external host of {slug}")
            probes.append(Probe(src, dst, port, protocol, allowed))
        claims[slug] = Claims(frozenset(reaches), db_reaches, tuple(probes))
    return claims
