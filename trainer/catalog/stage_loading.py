"""lessons/stages/ and lessons/clusters/ -> the walkthrough's Catalog, and every problem found.

    stages/scenarios.yaml   the scenarios, a list; the first is the default
    stages/stage-N.yaml     the stages: as many as there are files, numbered 1, 2, 3... with no gap
    clusters/*.yaml         the manifests each scenario names

Every file is read through fields.FieldReader, and every problem of every file is
reported ("lessons/stages/stage-3.yaml:27: claims.guide.probes[0].port: must be a
number, not text"). A broken scenario or stage is left out of the Catalog; the
checks that depend on it are skipped rather than reported again: claims about a
scenario that is declared but broken are not held to its cluster, and a cluster
file shared by two scenarios is read, and reported, once.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from trainer.limits import limits
from trainer.netpol.build import load_cluster, load_policies
from trainer.netpol.objects import Cluster
from trainer.netpol.problems import InputError, format_path

from .fields import FieldReader, shown_name
from .probes import parse_port, read_probe
from .stage_objects import Block, Catalog, Claims, External, Focus, Scenario, Stage

STAGE_FILE = re.compile(r"stage-([1-9][0-9]*)\.yaml")
SCENARIOS_FILE = "scenarios.yaml"
BLOCK_KINDS = ("p", "note", "warning", "list", "table", "code")
STAGE_FIELDS = ("number", "slug", "title", "goal", "body", "try", "yaml", "claims")
SCENARIO_FIELDS = ("slug", "title", "summary", "cluster", "apply_namespace", "focus", "ports", "externals")
FOCUS_FIELDS = ("pod", "port", "protocol", "label")
EXTERNAL_FIELDS = ("ip", "label")
TABLE_FIELDS = ("caption", "header", "rows")
CLAIM_FIELDS = ("reaches_db", "db_reaches", "probes")


def stage_files(root: Path) -> dict[int, Path]:
    """The stage files that exist, by number, in order: the content decides how many stages there are."""
    directory = root / "stages"
    found = {}
    for path in directory.glob("stage-*.yaml"):
        match = STAGE_FILE.fullmatch(path.name)
        if match:
            found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def load_stages(root: Path) -> tuple[Catalog, tuple[str, ...]]:
    """The catalog of everything that loaded, and a message for every problem found."""
    if not (root / "stages").is_dir():
        return Catalog((), ()), (f"{shown_name(root / 'stages', root)}: is missing (no such directory)",)
    problems: list[str] = []
    scenarios, declared = _load_scenarios(root, problems)
    files = stage_files(root)
    numbers = ", ".join(str(n) for n in files) or "none"
    stages, slugs = [], {}
    for number in range(1, max(files, default=1) + 1):
        if number not in files:
            missing = shown_name(root / "stages" / f"stage-{number}.yaml", root)
            problems.append(f"{missing}: is missing: stages are numbered from 1 with no gap "
                            f"(found {numbers})")
            continue
        stage = _load_stage(files[number], number, root, scenarios, declared, slugs, problems)
        if stage is not None:
            stages.append(stage)
    for path in sorted((root / "stages").glob("*.yaml")):
        if path.name != SCENARIOS_FILE and not STAGE_FILE.fullmatch(path.name):
            problems.append(f"{shown_name(path, root)}: is not read: "
                            f"stages are stage-N.yaml (N = 1, 2, 3...), the scenarios {SCENARIOS_FILE}")
    return Catalog(tuple(stages), tuple(scenarios)), tuple(problems)


# --- scenarios ---------------------------------------------------------------------


def _load_scenarios(root: Path, problems: list[str]) -> tuple[list[Scenario], list | None]:
    """(the scenarios that loaded, the slug of each one declared in order, or None when none can be read)."""
    path = root / "stages" / SCENARIOS_FILE
    reader, data = FieldReader.read(path, shown_name(path, root))
    if data is not None and (not isinstance(data, list) or not data):
        reader.fail((), "must be a non-empty list of scenarios")
        data = None
    scenarios, first_use, clusters = [], {}, {}
    for i, item in enumerate(data or ()):
        scenario = _scenario(root, item, (i,), reader, clusters)
        slug = item.get("slug") if isinstance(item, dict) else None
        if isinstance(slug, str) and slug in first_use:
            reader.duplicate((i, "slug"), slug, first_use[slug])
            continue
        if isinstance(slug, str):
            first_use[slug] = f"{reader.name}:{reader.line((i, 'slug'))}"
        if scenario is not None:
            scenarios.append(scenario)
    problems += reader.problems
    if data is None:
        return scenarios, None
    slugs = [item.get("slug") if isinstance(item, dict) else None for item in data]
    return scenarios, [slug if isinstance(slug, str) else None for slug in slugs]


def _scenario(root: Path, item, at: tuple, reader: FieldReader, clusters: dict) -> Scenario | None:
    before = len(reader.problems)
    if not reader.mapping(item, at, SCENARIO_FIELDS):
        return None
    slug = reader.field(item, at + ("slug",), str)
    title = reader.field(item, at + ("title",), str)
    summary = reader.field(item, at + ("summary",), str)
    cluster_file = reader.field(item, at + ("cluster",), str)
    apply_namespace = reader.field(item, at + ("apply_namespace",), str)
    focus = _focus(reader.field(item, at + ("focus",), dict), at + ("focus",), reader)
    ports = _ports(reader.strings(item, at + ("ports",)), at + ("ports",), reader)
    externals = _externals(reader.field(item, at + ("externals",), list, required=False) or (),
                           at + ("externals",), reader)
    cluster = None
    if cluster_file is not None:
        cluster = _cluster(root, cluster_file, at + ("cluster",), reader, clusters)
    if cluster is not None and focus is not None and cluster.pod(focus.pod) is None:
        reader.fail(at + ("focus", "pod"), f"no pod {focus.pod} in {cluster_file}")
    if len(reader.problems) > before or cluster is None:  # (a shared broken cluster is reported once)
        return None
    return Scenario(slug, title, summary, cluster_file, cluster, apply_namespace, focus, ports, externals)


def _focus(data, at: tuple, reader: FieldReader) -> Focus | None:
    if data is None:
        return None
    reader.unknown_fields(data, at, FOCUS_FIELDS)
    parts = (reader.field(data, at + ("pod",), str), reader.port(data, at + ("port",)),
             reader.protocol(data, at + ("protocol",)), reader.field(data, at + ("label",), str))
    return None if None in parts else Focus(*parts)


def _externals(items, at: tuple, reader: FieldReader) -> tuple[External, ...]:
    externals = []
    for j, ext in enumerate(items):
        if not reader.mapping(ext, at + (j,), EXTERNAL_FIELDS):
            continue
        ip = reader.field(ext, at + (j, "ip"), str)
        label = reader.field(ext, at + (j, "label"), str)
        if ip is not None and not _is_ip(ip):
            reader.fail(at + (j, "ip"), f"{ip!r} is not an IP address")
        externals.append(External(str(ip), str(label)))
    return tuple(externals)


def _cluster(root: Path, file: str, at: tuple, reader: FieldReader, clusters: dict) -> Cluster | None:
    """The manifests of clusters/<file>, read once however many scenarios name them."""
    if file in clusters:
        return clusters[file]
    path = root / "clusters" / file
    name = shown_name(path, root)
    clusters[file] = None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        reader.fail(at, f"{name} cannot be read ({reason})")
        return None
    try:
        clusters[file] = load_cluster([(text, name)], limits().content)
    except InputError as exc:
        # The engine's problems name the cluster file, its line and the object; say which scenario uses it.
        reader.problems += [f"{problem} (the cluster of scenario {format_path(at[:-1])} in {reader.name})"
                            for problem in exc.problems]
    return clusters[file]


def _ports(items, at: tuple, reader: FieldReader) -> tuple[tuple[int, str], ...] | None:
    if items is None:
        return None
    ports = []
    for i, item in enumerate(items):
        try:
            ports.append(parse_port(item))
        except ValueError as exc:
            reader.fail(at + (i,), f"{item!r} is not PORT/PROTOCOL (e.g. 3306/TCP): {exc}")
    return tuple(ports)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- stages ------------------------------------------------------------------------


def _load_stage(path: Path, number: int, root: Path, scenarios: list[Scenario], declared: list | None,
                slugs: dict, problems: list[str]) -> Stage | None:
    reader, data = FieldReader.read(path, shown_name(path, root))
    stage = None
    if data is not None and reader.mapping(data, (), STAGE_FIELDS):
        stage = _stage(data, number, scenarios, declared, reader)
    slug = data.get("slug") if isinstance(data, dict) else None
    if isinstance(slug, str) and slug in slugs:
        reader.duplicate(("slug",), slug, slugs[slug])
    elif isinstance(slug, str):
        slugs[slug] = f"{reader.name}:{reader.line(('slug',))}"
    problems += reader.problems
    return None if reader.problems else stage


def _stage(data: dict, number: int, scenarios: list[Scenario], declared: list | None,
           reader: FieldReader) -> Stage:
    found = reader.field(data, ("number",), int)
    if found is not None and found != number:
        reader.fail(("number",), f"is {found}, but the file is stage {number}")
    slug = reader.field(data, ("slug",), str)
    title = reader.field(data, ("title",), str)
    goal = reader.field(data, ("goal",), str)
    body = read_body(reader.field(data, ("body",), list), reader)
    tries = reader.strings(data, ("try",), required=False)
    text = reader.field(data, ("yaml",), str)
    if text is not None:
        try:
            namespace = scenarios[0].apply_namespace if scenarios else "default"
            load_policies(text, source=reader.name, limits=limits().content, namespace=namespace)
        except InputError as exc:
            reader.fail_embedded(("yaml",), exc)
    claims = _claims(reader.field(data, ("claims",), dict), scenarios, declared, reader)
    return Stage(number, slug, title, goal, body, tries, text, claims)


def read_body(items, reader: FieldReader) -> tuple[Block, ...]:
    """The blocks of a `body:` list (a stage's, or a beyond-the-guide lesson's), each problem at its line.

    Text blocks (p, note, warning) hold Markdown inline; a code block is shown as it is, never evaluated."""
    blocks = []
    for i, item in enumerate(items or ()):
        at = ("body", i)
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in BLOCK_KINDS:
            reader.fail(at, f"must be one of {', '.join(k + ':' for k in BLOCK_KINDS)}")
            continue
        kind, value = next(iter(item.items()))
        if kind == "list":
            blocks.append(Block(kind, items=reader.strings(item, at + ("list",)) or ()))
        elif kind == "table":
            blocks.append(_table(value, at + ("table",), reader))
        else:
            text = reader.field(item, at + (kind,), str) or ""
            blocks.append(Block(kind, text=text.rstrip("\n") if kind == "code" else text))
    if items == []:
        reader.fail(("body",), "has no text")
    return tuple(blocks)


def _table(value, at: tuple, reader: FieldReader) -> Block:
    if not reader.mapping(value, at, TABLE_FIELDS):
        return Block("table")
    caption = reader.field(value, at + ("caption",), str)
    header = reader.strings(value, at + ("header",))
    rows = []
    for j, row in enumerate(reader.field(value, at + ("rows",), list) or ()):
        if header is None:  # the width of a row is the header's: nothing to check it against
            continue
        if not isinstance(row, list) or len(row) != len(header) or not all(isinstance(c, str) for c in row):
            reader.fail(at + ("rows", j), f"must be a list of {len(header)} texts, one per column")
            continue
        rows.append(tuple(row))
    return Block("table", caption=caption or "", header=header or (), rows=tuple(rows))


def _claims(data, scenarios: list[Scenario], declared: list | None, reader: FieldReader) -> dict:
    """Claims per scenario. Those about a scenario that is declared but broken are read, not held to it;
    with a scenario whose slug cannot be read, no claim is said to name an unknown one."""
    if data is None:
        return {}
    by_slug = {s.slug: s for s in scenarios}
    if declared and isinstance(declared[0], str) and declared[0] not in data:
        reader.fail(("claims",), f"must cover the default scenario {declared[0]!r}")
    claims = {}
    for slug, item in data.items():
        at = ("claims", slug)
        if declared is not None and None not in declared and slug not in declared:
            reader.fail(at, f"no scenario {slug!r} in {SCENARIOS_FILE}")
            continue
        if not reader.mapping(item, at, CLAIM_FIELDS):
            continue
        scenario = by_slug.get(slug)
        known = (None if scenario is None
                 else {p.key for p in scenario.cluster.pods} | {e.ip for e in scenario.externals})

        def check_end(name, path, slug=slug, known=known):
            if known is not None and name not in known:
                reader.fail(path, f"{name!r} is no pod or outside host of scenario {slug}")

        reaches = reader.strings(item, at + ("reaches_db",))
        for i, name in enumerate(reaches or ()):
            check_end(name, at + ("reaches_db", i))
        db_reaches = None
        if item.get("db_reaches") is not None:
            db_reaches = set()
            for i, text in enumerate(reader.strings(item, at + ("db_reaches",)) or ()):
                dst, _, port = text.partition(" ")
                parsed = _ports([port], at + ("db_reaches", i), reader)
                check_end(dst, at + ("db_reaches", i))
                if parsed:
                    db_reaches.add((dst, *parsed[0]))
            db_reaches = frozenset(db_reaches)
        listed = reader.field(item, at + ("probes",), list, required=False) or ()
        probes = tuple(read_probe(reader, raw, at + ("probes", i), check_end) for i, raw in enumerate(listed))
        claims[slug] = Claims(frozenset(reaches or ()), db_reaches, probes)
    return claims
