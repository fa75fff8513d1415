"""The quiz bank's files, lessons/quiz/*.yaml, read and checked into quiz_objects' Bank.

    topics.yaml     topics: {slug: {title: ..., rule: ...}}   the breakdown on results
    clusters.yaml   clusters: {name: manifests}                shared by prediction questions
    any other file  questions: [...] and/or templates: [...]

A question (every field but the optional ones is required):

    slug: default-allow            unique across the bank
    kind: concept                  concept | reading | prediction | least-permissive | mistake
    topic: default-allow           a key of topics.yaml
    stage: 1                       the number of a walkthrough stage
    prompt: text                   `code` in backticks; blank lines split paragraphs
    yaml: |                        optional YAML shown, never evaluated (may be wrong on purpose)
    cluster: guide                 optional: a cluster of clusters.yaml ...
    manifests: |                   ... and/or inline manifests (namespaces, pods)
    policies: |                    optional policies, shown and applied on the cluster
    externals: [192.168.5.10]      optional outside hosts shown with the cluster
    requires: [SRC DST PORT/PROTO] least-permissive: what every acceptable answer must allow
    multiple: false                true: "select all that apply", scored all-or-nothing
    shuffle: true                  false keeps the authored order of the choices
    choices:
      - text: shown text           and/or
        probe: SRC DST PORT[/PROTO]  the connection the choice claims; the engine checks it
        expect: allowed            (or denied) the choice is right when the engine says so
        yaml: |                    a policy shown as the choice (least-permissive)
        correct: true              the key (bank questions; templates compute it)
    explanation: text

A template is a question with `params` ({name: [values]}), `$name` placeholders
in its texts, YAML and probes, optionally `pick: N` (show N of its choices),
and no `correct`: each variant's key is the engine's verdict on its probes
(see quiz_variants.py).

Every problem of every file is reported, and a broken question is left out. A
bank question's YAML is loaded here, its problems at their lines, and its probes
must name ends its cluster has; whether its key is right is quiz_keys.py's. A
question whose topic or shared cluster is declared but broken is left out
without another message: the problem is reported once, where it is.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from trainer.limits import limits
from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.problems import InputError

from .fields import FieldReader, shown_name
from .probes import Probe
from .quiz_objects import KINDS, Bank, ChoiceSpec, QuestionSpec, Topic, placeholders, sources_of

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PARAM = re.compile(r"[a-z_][a-z0-9_]*")
TOPICS_FILE, CLUSTERS_FILE = "topics.yaml", "clusters.yaml"
QUESTION_FIELDS = ("slug", "kind", "topic", "stage", "prompt", "yaml", "cluster", "manifests", "policies",
                   "externals", "requires", "multiple", "shuffle", "choices", "explanation")
TEMPLATE_FIELDS = QUESTION_FIELDS + ("params", "pick")
CHOICE_FIELDS = ("text", "probe", "expect", "yaml", "correct")
TOPIC_FIELDS = ("title", "rule")
FILE_FIELDS = ("questions", "templates")
TEXT_FIELDS = ("prompt", "yaml", "manifests", "policies", "explanation")


@dataclass
class _Shared:
    """What every question file is checked against, from topics.yaml, clusters.yaml and the stages."""

    stage_numbers: tuple[int, ...]
    topics: dict[str, Topic] = field(default_factory=dict)  # those that loaded
    topic_names: set | None = None  # those declared; None when topics.yaml cannot be read
    clusters: dict[str, str] = field(default_factory=dict)  # those that loaded, as text
    cluster_names: set | None = None
    first_use: dict[str, str] = field(default_factory=dict)  # slug -> where it was first used

    def usable(self, spec: QuestionSpec) -> bool:
        """Whether what the question depends on loaded (if not, that is reported where it is)."""
        return spec.topic in self.topics and (not spec.cluster or spec.cluster in self.clusters)


def load_bank(root: Path, stage_numbers=()) -> tuple[Bank, tuple[str, ...]]:
    """The bank of every question and template that loads, and a message for every problem found."""
    directory = root / "quiz"
    if not directory.is_dir():
        return Bank({}, {}, {}), (f"{shown_name(directory, root)}: is missing (no such directory)",)
    problems: list[str] = []
    shared = _Shared(tuple(stage_numbers))
    _topics(directory / TOPICS_FILE, root, shared, problems)
    if (directory / CLUSTERS_FILE).exists():
        _clusters(directory / CLUSTERS_FILE, root, shared, problems)
    else:
        shared.cluster_names = set()
    questions: dict[str, QuestionSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in (TOPICS_FILE, CLUSTERS_FILE):
            continue
        reader, data = FieldReader.read(path, shown_name(path, root))
        if data is not None and reader.mapping(data, (), FILE_FIELDS):
            _questions(data, reader, shared, questions)
        problems += reader.problems
    return Bank(shared.topics, shared.clusters, questions), tuple(problems)


def _topics(path: Path, root: Path, shared: _Shared, problems: list[str]) -> None:
    reader, data = FieldReader.read(path, shown_name(path, root))
    readable = data is not None and reader.mapping(data, (), ("topics",))
    raw = reader.field(data, ("topics",), dict) if readable else None
    if raw == {}:
        reader.fail(("topics",), "must be a mapping of topic slug to title and rule")
    if raw is not None:
        shared.topic_names = set(raw)
    for slug, value in (raw or {}).items():
        at = ("topics", slug)
        if not SLUG.fullmatch(str(slug)):
            reader.fail(at, "a topic slug is lower-case words joined by '-'")
        elif reader.mapping(value, at, TOPIC_FIELDS):
            title, rule = reader.field(value, at + ("title",), str), reader.field(value, at + ("rule",), str)
            if title is not None and rule is not None:
                shared.topics[slug] = Topic(slug, title.strip(), rule.strip())
    problems += reader.problems


def _clusters(path: Path, root: Path, shared: _Shared, problems: list[str]) -> None:
    """Each named cluster, loaded by the engine: a broken one is reported here, once."""
    reader, data = FieldReader.read(path, shown_name(path, root))
    readable = data is not None and reader.mapping(data, (), ("clusters",))
    raw = reader.field(data, ("clusters",), dict) if readable else None
    if raw is not None:
        shared.cluster_names = {str(name) for name in raw}
    for name, _ in (raw or {}).items():
        text = reader.field(raw, ("clusters", name), str)
        if text is None:
            continue
        try:
            load_cluster([(text, f"{CLUSTERS_FILE}#{name}")], limits().content)
        except InputError as exc:
            reader.fail_embedded(("clusters", name), exc)
            continue
        shared.clusters[str(name)] = text
    problems += reader.problems


def _questions(data: dict, reader: FieldReader, shared: _Shared, questions: dict) -> None:
    """A file's questions and templates, added to `questions` by slug."""
    if data.get("questions") is None and data.get("templates") is None:
        reader.fail((), "holds no questions and no templates")
    for key, template in (("questions", False), ("templates", True)):
        for i, raw in enumerate(reader.field(data, (key,), list, required=False) or ()):
            at = (key, i)
            spec = _question(raw, at, template, reader, shared)
            slug = raw.get("slug") if isinstance(raw, dict) else None
            if isinstance(slug, str) and slug in shared.first_use:
                reader.duplicate(at + ("slug",), slug, shared.first_use[slug])
                continue
            if isinstance(slug, str):
                shared.first_use[slug] = f"{reader.name}:{reader.line(at + ('slug',))}"
            if spec is not None and shared.usable(spec):
                questions[spec.slug] = spec


def _question(raw, at: tuple, template: bool, r: FieldReader, shared: _Shared) -> QuestionSpec | None:
    before = len(r.problems)
    if not r.mapping(raw, at, TEMPLATE_FIELDS if template else QUESTION_FIELDS):
        return None

    def text(key, required=True):
        return r.field(raw, at + (key,), str, required)

    slug, kind, topic, stage = _identity(raw, at, r, shared)
    prompt, explanation = text("prompt"), text("explanation")
    yaml, manifests, policies = text("yaml", False), text("manifests", False), text("policies", False)
    multiple = r.field(raw, at + ("multiple",), bool, required=False)
    shuffle = r.field(raw, at + ("shuffle",), bool, required=False)
    cluster = _cluster_name(raw, at, r, shared)
    has_cluster = not (r.missing(raw, at + ("cluster",)) and r.missing(raw, at + ("manifests",)))
    if raw.get("yaml") is not None and raw.get("policies") is not None:
        r.fail(at + ("yaml",), "give yaml (shown only) or policies (shown and applied), not both")
    externals = r.strings(raw, at + ("externals",), required=False)
    requires = r.strings(raw, at + ("requires",), required=False)

    params, pick = _template_fields(raw, at, r) if template else (None, None)
    # How many choices may be right is known when `multiple` is, or is genuinely left out.
    multiple_known = multiple is not None or r.missing(raw, at + ("multiple",))
    choices = _choices(raw, at, template, kind, multiple_known, r)
    _check_has_cluster(raw, at, has_cluster, requires, choices, r)
    if pick is not None and choices is not None and pick > len(choices):
        r.fail(at + ("pick",), f"picks {pick} of only {len(choices)} choices")
    if params is not None:
        _check_placeholders(raw, at, params, r)
    for i, probe in enumerate(() if template else requires or ()):
        _check_probe(probe, at + ("requires", i), r)
    if len(r.problems) > before:
        return None
    spec = QuestionSpec(
        slug=slug, kind=kind, topic=topic, stage=stage, prompt=prompt.strip(),
        explanation=explanation.strip(), choices=choices, multiple=bool(multiple),
        shuffle=shuffle is not False, yaml=yaml or "",
        cluster=cluster or "", manifests=manifests or "", policies=policies or "",
        externals=tuple(e.strip() for e in externals), requires=tuple(q.strip() for q in requires),
        params=params or (), pick=pick, origin=r.origin(at),
    )
    if not template and spec.has_cluster and shared.usable(spec):
        _check_in_cluster(spec, at, r, shared)
    return None if len(r.problems) > before else spec


def _identity(raw, at: tuple, r: FieldReader, shared: _Shared) -> tuple:
    """The question's slug, kind, topic and stage, each checked; the kind is None when not one of KINDS."""
    slug = r.field(raw, at + ("slug",), str)
    if slug is not None and not SLUG.fullmatch(slug):
        r.fail(at + ("slug",), "must be lower-case words joined by '-'")
    kind = r.field(raw, at + ("kind",), str)
    if kind is not None and kind not in KINDS:
        r.fail(at + ("kind",), f"must be one of {', '.join(KINDS)}")
        kind = None
    topic = r.field(raw, at + ("topic",), str)
    if topic is not None and shared.topic_names is not None and topic not in shared.topic_names:
        r.fail(at + ("topic",), f"must be a topic of {TOPICS_FILE}, not {topic!r}")
    stage = r.field(raw, at + ("stage",), int)
    numbers = shared.stage_numbers
    if stage is not None and numbers and stage not in numbers:
        r.fail(at + ("stage",), f"must be the number of a stage ({min(numbers)} to {max(numbers)})")
    return slug, kind, topic, stage


def _cluster_name(raw, at: tuple, r: FieldReader, shared: _Shared) -> str | None:
    """The optional shared cluster, which must be one of clusters.yaml (when that can be read)."""
    cluster = r.field(raw, at + ("cluster",), str, False)
    if cluster is not None and shared.cluster_names is not None and cluster not in shared.cluster_names:
        r.fail(at + ("cluster",), f"no cluster {cluster!r} in {CLUSTERS_FILE}")
    return cluster


def _template_fields(raw, at: tuple, r: FieldReader) -> tuple[tuple | None, int | None]:
    """A template's params (None when broken) and pick (None when left out or broken)."""
    params = _params(raw, at, r)
    pick = r.field(raw, at + ("pick",), int, required=False)
    if pick is not None and pick < 2:
        r.fail(at + ("pick",), "must be a whole number of choices, at least 2")
    return params, pick


def _check_has_cluster(raw, at: tuple, has_cluster: bool, requires, choices, r: FieldReader) -> None:
    """Policies, requires and probes are checked on a cluster: one message, whatever needs it."""
    if has_cluster:
        return
    needs = (("policies", raw.get("policies") is not None), ("requires", bool(requires)),
             ("probes", any(c.probe for c in choices or ())))
    needing = [name for name, needed in needs if needed]
    if needing:
        listed = " and ".join(filter(None, (", ".join(needing[:-1]), needing[-1])))
        r.fail(at + ("cluster",),
               f"is missing: {listed} are checked on a cluster (give cluster or manifests)")


def _check_probe(text: str, where: tuple, r: FieldReader) -> None:
    try:
        Probe.parse(text)
    except ValueError as exc:
        r.fail(where, str(exc))


def _params(raw, at: tuple, r: FieldReader) -> tuple | None:
    """{name: [values]}, or None when broken. A value may be a mapping, whose keys k give
    placeholders $name_k."""
    given = r.field(raw, at + ("params",), dict)
    if given == {}:
        r.fail(at + ("params",), "a template needs params: {name: [values, ...]}")
    if not given:
        return None
    params, before = [], len(r.problems)
    for name, values in given.items():
        where = at + ("params", str(name))
        if not isinstance(name, str) or not PARAM.fullmatch(name):
            r.fail(where, "a param name is lower-case letters, digits and _")
        elif not isinstance(values, list) or len(values) < 2:
            r.fail(where, "needs a list of at least two values")
        elif all(_scalar(v) for v in values):
            params.append((name, tuple(str(v) for v in values)))
        elif all(isinstance(v, dict) and v and all(_scalar(x) for x in v.values()) for v in values):
            keys = set(values[0])
            if any(set(v) != keys for v in values) or not all(PARAM.fullmatch(str(k)) for k in keys):
                r.fail(where, "its mappings need the same keys, each a lower-case name")
                continue
            params.append((name, tuple(tuple(sorted((k, str(x)) for k, x in v.items())) for v in values)))
        else:
            r.fail(where, "values must all be text or numbers, or all mappings of them")
    return tuple(params) if len(r.problems) == before else None


def _scalar(value) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _choices(raw, at: tuple, template: bool, kind: str | None, multiple_known: bool,
             r: FieldReader) -> tuple[ChoiceSpec, ...] | None:
    listed = r.field(raw, at + ("choices",), list)
    if listed is None:
        return None
    if len(listed) < 2:
        r.fail(at + ("choices",), "needs a list of at least two choices")
        return None
    before = len(r.problems)
    choices = []
    for i, c in enumerate(listed):
        choice = _choice(c, at + ("choices", i), template, kind, r)
        if choice is not None:
            choices.append(choice)
    if len(r.problems) > before:
        return None
    if not template:
        _check_key(raw, at, choices, multiple_known, r)
    return tuple(choices)


def _choice(c, ca: tuple, template: bool, kind: str | None, r: FieldReader) -> ChoiceSpec | None:
    """One choice, at ca; None when it is not a mapping (reported)."""
    if not r.mapping(c, ca, CHOICE_FIELDS):
        return None
    text, probe, yaml = (r.field(c, ca + (k,), str, required=False) for k in ("text", "probe", "yaml"))
    expect = r.field(c, ca + ("expect",), str, required=False)
    if expect is not None and expect not in ("allowed", "denied"):
        r.fail(ca + ("expect",), "must be allowed or denied")
    _check_choice_gives(c, ca, template, kind, r)
    correct = None if template else r.field(c, ca + ("correct",), bool)
    if not template and probe is not None:
        _check_probe(probe, ca + ("probe",), r)
    return ChoiceSpec(text=(text or "").strip(), probe=probe or "", expect_allowed=expect != "denied",
                      yaml=yaml or "", correct=correct)


def _check_choice_gives(c: dict, ca: tuple, template: bool, kind: str | None, r: FieldReader) -> None:
    """What a choice must give (a probe, or some text, ...): the first that applies is reported,
    one mistake, one message."""
    no_probe = r.missing(c, ca + ("probe",))
    if template and "correct" in c:
        r.fail(ca + ("correct",), "a template's key comes from the engine: give a probe, not correct")
    elif template and no_probe:
        r.fail(ca + ("probe",), "every choice of a template needs a probe")
    elif kind == "prediction" and no_probe:
        r.fail(ca + ("probe",), "a prediction choice needs a probe for the engine to check")
    elif no_probe and all(r.missing(c, ca + (k,)) for k in ("text", "yaml")):
        r.fail(ca, "needs text, probe or yaml")
    elif no_probe and c.get("expect") is not None:
        r.fail(ca + ("expect",), "expect needs a probe")


def _check_key(raw, at: tuple, choices: list[ChoiceSpec], multiple_known: bool, r: FieldReader) -> None:
    """A bank question's key: some choice is correct, and several only when the question says multiple."""
    right = sum(1 for c in choices if c.correct)
    if right == 0:
        r.fail(at + ("choices",), "no choice is correct")
    elif right > 1 and multiple_known and not raw.get("multiple"):
        r.fail(at + ("choices",), f"{right} choices are correct: set multiple: true, or keep one")


def _check_placeholders(raw, at: tuple, params, r: FieldReader) -> None:
    names = set(placeholders(params))
    texts = [((key,), raw.get(key)) for key in TEXT_FIELDS]
    texts += [(("choices", i, key), c.get(key)) for i, c in enumerate(raw.get("choices") or [])
              if isinstance(c, dict) for key in ("text", "probe", "yaml")]
    for field_at, text in texts:
        if not isinstance(text, str):
            continue
        template = string.Template(text)
        if not template.is_valid():
            r.fail(at + field_at, "has a '$' that is not a placeholder (write $$ for a dollar sign)")
            continue
        for name in template.get_identifiers():
            if name not in names:
                r.fail(at + field_at, f"uses ${name}, which is not among the params")


def _check_in_cluster(spec: QuestionSpec, at: tuple, r: FieldReader, shared: _Shared) -> None:
    """A bank question's YAML loads, each problem at its line, and its probes name ends its cluster has."""
    fields = {f"{spec.slug}:manifests": ("manifests",), f"{spec.slug}:policies": ("policies",)}
    try:
        cluster = load_cluster(sources_of(spec, shared.clusters), limits().content)
    except InputError as exc:
        for problem in exc.problems:
            where = fields.get(problem.source)
            if where is not None:
                r.fail_embedded(at + where, [problem])
            else:  # between sources (a shared cluster's object declared again, ...)
                r.fail(at + (("cluster",) if spec.cluster else ("manifests",)), str(problem))
        return
    analyzer = Analyzer(cluster)
    ends = [(("choices", i, "probe"), c.probe) for i, c in enumerate(spec.choices) if c.probe]
    ends += [(("requires", i), text) for i, text in enumerate(spec.requires)]
    for where, text in ends:
        probe = Probe.parse(text)
        for end in (probe.src, probe.dst):
            try:
                analyzer.endpoint(end)
            except KeyError as exc:
                r.fail(at + where, exc.args[0])
    for i, c in enumerate(spec.choices if spec.requires else ()):
        if not c.yaml:
            r.fail(at + ("choices", i, "yaml"), "a least-permissive choice is a policy to apply")
            continue
        try:
            load_cluster(sources_of(spec, shared.clusters, extra=c.yaml), limits().content)
        except InputError as exc:
            r.fail_embedded(at + ("choices", i, "yaml"), exc)
