"""The walkthrough's content: six stages and the scenarios (clusters) they run in.

lessons/stages/stage-N.yaml hold the stages, lessons/stages/scenarios.yaml the
scenarios, whose manifests are under lessons/clusters/. Everything is read once
into frozen dataclasses, through the engine's YAML loader; problems() reports
each broken file or field in one line with its file, line and field path
("lessons/stages/stage-3.yaml:27: claims.guide.probes[0].port: must be a
number, not text") so that `manage.py check` fails on broken content.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from trainer.limits import limits
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import Cluster
from trainer.netpol.problems import InputError, format_path

from .fields import FieldReader, kind_name
from .probes import Probe, parse_port, read_probe

STAGE_COUNT = 6
BLOCK_KINDS = ("p", "note", "warning", "list", "table")
STAGE_FIELDS = ("number", "slug", "title", "goal", "body", "try", "yaml", "claims")


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


def _load(root: Path) -> Catalog:
    problems: list[str] = []
    scenarios = _load_scenarios(root, problems)
    # A broken scenario is reported once, not again by every stage that makes claims about it.
    complete = not problems
    stages = []
    for number in range(1, STAGE_COUNT + 1):
        stage = _load_stage(root / "stages" / f"stage-{number}.yaml", number, scenarios, complete, problems)
        if stage is not None:
            stages.append(stage)
    if problems:
        raise ContentError(problems)
    return Catalog(tuple(stages), tuple(scenarios))


def _load_scenarios(root: Path, problems: list[str]) -> list[Scenario]:
    path = root / "stages" / "scenarios.yaml"
    reader, data = FieldReader.read(path, f"lessons/stages/{path.name}")
    scenarios = []
    if data is not None and (not isinstance(data, list) or not data):
        reader.fail((), "must be a non-empty list of scenarios")
    elif data is not None:
        for i, item in enumerate(data):
            scenario = _scenario(root, item, (i,), reader)
            if scenario is not None:
                scenarios.append(scenario)
        slugs = [s.slug for s in scenarios]
        for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
            reader.fail((len(slugs) - 1 - slugs[::-1].index(slug), "slug"), f"scenario slug {slug!r} is used twice")
    problems += reader.problems
    return scenarios


def _scenario(root: Path, item, at: tuple, reader: FieldReader) -> Scenario | None:
    before = len(reader.problems)
    if not isinstance(item, dict):
        reader.fail(at, f"must be a mapping (slug, title, ...), not {kind_name(item)}")
        return None
    slug = reader.field(item, at + ("slug",), str)
    title = reader.field(item, at + ("title",), str)
    summary = reader.field(item, at + ("summary",), str)
    cluster_file = reader.field(item, at + ("cluster",), str)
    apply_namespace = reader.field(item, at + ("apply_namespace",), str)
    focus_data = reader.field(item, at + ("focus",), dict)
    ports = _ports(reader.strings(item, at + ("ports",)), at + ("ports",), reader)
    externals = []
    for j, ext in enumerate(reader.field(item, at + ("externals",), list, required=False) or ()):
        ew = at + ("externals", j)
        ip = reader.field(ext, ew + ("ip",), str)
        label = reader.field(ext, ew + ("label",), str)
        if ip is not None and not _is_ip(ip):
            reader.fail(ew + ("ip",), f"{ip!r} is not an IP address")
        externals.append(External(str(ip), str(label)))
    focus = None
    if focus_data is not None:
        fw = at + ("focus",)
        pod = reader.field(focus_data, fw + ("pod",), str)
        port = reader.port(focus_data, fw + ("port",))
        protocol = reader.protocol(focus_data, fw + ("protocol",), required=True)
        label = reader.field(focus_data, fw + ("label",), str)
        focus = Focus(str(pod), port or 0, str(protocol), str(label))
    cluster = None
    if cluster_file is not None:
        cluster = _cluster(root / "clusters" / cluster_file, f"lessons/clusters/{cluster_file}",
                           at + ("cluster",), reader)
    if cluster is not None and focus is not None and cluster.pod(focus.pod) is None:
        reader.fail(at + ("focus", "pod"), f"no pod {focus.pod} in {cluster_file}")
    if len(reader.problems) > before:
        return None
    return Scenario(slug, title, summary, cluster_file, cluster, apply_namespace, focus,
                    tuple(ports), tuple(externals))


def _cluster(path: Path, name: str, at: tuple, reader: FieldReader) -> Cluster | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        reader.fail(at, f"{name} cannot be read ({reason})")
        return None
    try:
        return load_cluster([(text, name)], limits().content)
    except InputError as exc:
        # The engine's problems already name the cluster file and line; say which scenario uses it.
        reader.problems += [f"{problem} (the cluster of scenario {format_path(at[:-1])} in {reader.name})"
                            for problem in exc.problems]
    return None


def _ports(items, at: tuple, reader: FieldReader) -> list[tuple[int, str]]:
    ports = []
    for i, item in enumerate(items):
        try:
            ports.append(parse_port(item))
        except ValueError as exc:
            reader.fail(at + (i,), f"{item!r} is not PORT/PROTOCOL (e.g. 3306/TCP): {exc}")
    return ports


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _load_stage(path: Path, number: int, scenarios: list[Scenario], complete: bool,
                problems: list[str]) -> Stage | None:
    reader, data = FieldReader.read(path, f"lessons/stages/{path.name}")
    if data is not None and not isinstance(data, dict):
        reader.fail((), f"must be a mapping (number, slug, title, ...), not {kind_name(data)}")
    if reader.problems:
        problems += reader.problems
        return None
    reader.unknown_fields(data, (), STAGE_FIELDS)
    found = reader.field(data, ("number",), int)
    if found is not None and found != number:
        reader.fail(("number",), f"is {found}, but the file is stage {number}")
    slug = reader.field(data, ("slug",), str)
    title = reader.field(data, ("title",), str)
    goal = reader.field(data, ("goal",), str)
    body = _body(reader.field(data, ("body",), list), reader)
    tries = reader.strings(data, ("try",), required=False)
    text = reader.field(data, ("yaml",), str)
    if text is not None:
        try:
            namespace = scenarios[0].apply_namespace if scenarios else "default"
            load_policies(text, source=path.name, limits=limits().content, namespace=namespace)
        except InputError as exc:
            reader.fail_embedded(("yaml",), exc)
    claims = _claims(reader.field(data, ("claims",), dict), scenarios, complete, reader)
    problems += reader.problems
    if reader.problems:
        return None
    return Stage(number, slug, title, goal, body, tries, text, claims)


def _body(items, reader: FieldReader) -> tuple[Block, ...]:
    blocks = []
    for i, item in enumerate(items or ()):
        at = ("body", i)
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in BLOCK_KINDS:
            reader.fail(at, f"must be one of {', '.join(k + ':' for k in BLOCK_KINDS)}")
            continue
        kind, value = next(iter(item.items()))
        if kind == "list":
            blocks.append(Block(kind, items=reader.strings(item, at + ("list",))))
        elif kind == "table":
            blocks.append(_table(value, at + ("table",), reader))
        else:
            text = reader.field(item, at + (kind,), str)
            blocks.append(Block(kind, text=text or ""))
    if items is not None and not blocks:
        reader.fail(("body",), "has no text")
    return tuple(blocks)


def _table(value, at: tuple, reader: FieldReader) -> Block:
    caption = reader.field(value, at + ("caption",), str)
    header = reader.strings(value, at + ("header",))
    rows = []
    for j, row in enumerate(reader.field(value, at + ("rows",), list) or ()):
        if not isinstance(row, list) or len(row) != len(header) or not all(isinstance(c, str) for c in row):
            reader.fail(at + ("rows", j), f"must be a list of {len(header)} texts, one per column")
            continue
        rows.append(tuple(row))
    return Block("table", caption=caption or "", header=header, rows=tuple(rows))


def _claims(data, scenarios: list[Scenario], complete: bool, reader: FieldReader) -> dict:
    if data is None:
        return {}
    by_slug = {s.slug: s for s in scenarios}
    claims = {}
    if complete and scenarios[0].slug not in data:
        reader.fail(("claims",), f"must cover the default scenario {scenarios[0].slug!r}")
    for slug, item in data.items():
        at = ("claims", slug)
        scenario = by_slug.get(slug)
        if scenario is None:
            if complete:
                reader.fail(at, f"no scenario {slug!r} in scenarios.yaml")
            continue
        if not isinstance(item, dict):
            reader.fail(at, f"must be a mapping (reaches_db, ...), not {kind_name(item)}")
            continue
        known = {p.key for p in scenario.cluster.pods} | {e.ip for e in scenario.externals}

        def check_end(name, path, slug=slug, known=known):
            if name not in known:
                reader.fail(path, f"{name!r} is no pod or outside host of scenario {slug}")

        reaches = reader.strings(item, at + ("reaches_db",))
        for i, name in enumerate(reaches):
            check_end(name, at + ("reaches_db", i))
        db_reaches = None
        if "db_reaches" in item:
            db_reaches = set()
            for i, text in enumerate(reader.strings(item, at + ("db_reaches",))):
                dst, _, port = text.partition(" ")
                parsed = _ports([port], at + ("db_reaches", i), reader)
                check_end(dst, at + ("db_reaches", i))
                if parsed and dst in known:
                    db_reaches.add((dst, *parsed[0]))
            db_reaches = frozenset(db_reaches)
        probes = [read_probe(reader, raw, at + ("probes", i), check_end)
                  for i, raw in enumerate(reader.field(item, at + ("probes",), list, required=False) or ())]
        claims[slug] = Claims(frozenset(reaches), db_reaches, tuple(probes))
    return claims
