"""The quiz bank's files, lessons/quiz/*.yaml, read and checked into quiz.py's objects.

    topics.yaml     topics: {slug: {title: ..., rule: ...}}   the breakdown on results
    clusters.yaml   clusters: {name: manifests}                shared by prediction questions
    any other file  questions: [...] and/or templates: [...]

A question (every field but the optional ones is required):

    slug: default-allow            unique across the bank
    kind: concept                  concept | reading | prediction | least-permissive | mistake
    topic: default-allow           a key of topics.yaml
    stage: 1                       the study guide's stage, 1-6
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
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from . import stages
from .fields import FieldReader, kind_name
from .probes import Probe
from .quiz import KINDS, Bank, ChoiceSpec, QuestionSpec, Topic, placeholders

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PARAM = re.compile(r"[a-z_][a-z0-9_]*")
QUESTION_FIELDS = {"slug", "kind", "topic", "stage", "prompt", "yaml", "cluster", "manifests",
                   "policies", "externals", "requires", "multiple", "shuffle", "choices",
                   "explanation"}
TEMPLATE_FIELDS = QUESTION_FIELDS | {"params", "pick"}
CHOICE_FIELDS = {"text", "probe", "expect", "yaml", "correct"}
TEXT_FIELDS = ("prompt", "yaml", "manifests", "policies", "explanation")


def _read(path: Path, root: Path) -> tuple[FieldReader, dict | None]:
    base = root.parent.parent  # so files are named lessons/quiz/<file>
    name = str(path.relative_to(base)) if base in path.parents else str(path)
    reader, data = FieldReader.read(path, name)
    if data is not None and not isinstance(data, dict):
        reader.fail((), f"must be a mapping, not {kind_name(data)}")
        data = None
    return reader, data


def load_bank(directory: Path) -> Bank:
    """Read and validate every file; a broken question is reported and left out."""
    directory = Path(directory)
    problems: list[str] = []
    topics: dict[str, Topic] = {}
    clusters: dict[str, str] = {}
    questions: dict[str, QuestionSpec] = {}
    if not directory.is_dir():
        return Bank({}, {}, {}, (f"{directory}: the quiz bank directory is missing",))
    reader, data = _read(directory / "topics.yaml", directory)
    if data is not None:
        topics = _topics(data, reader)
    problems += reader.problems
    if (directory / "clusters.yaml").exists():
        reader, data = _read(directory / "clusters.yaml", directory)
        if data is not None:
            clusters = _clusters(data, reader)
        problems += reader.problems
    for path in sorted(directory.glob("*.yaml")):
        if path.name in ("topics.yaml", "clusters.yaml"):
            continue
        reader, data = _read(path, directory)
        if data is not None:
            _questions(data, reader, topics, clusters, questions)
        problems += reader.problems
    return Bank(topics, clusters, questions, tuple(problems))


def _questions(data: dict, reader: FieldReader, topics, clusters, questions: dict) -> None:
    """A file's questions and templates, added to `questions` by slug."""
    reader.unknown_fields(data, (), ("questions", "templates"))
    for key, template in (("questions", False), ("templates", True)):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            reader.fail((key,), "must be a list")
            continue
        for i, raw in enumerate(items):
            spec = _question(raw, (key, i), template, reader, topics, clusters)
            if spec is None:
                continue
            if spec.slug in questions:
                reader.fail((key, i, "slug"), f"slug {spec.slug} is already used at {questions[spec.slug].where}")
                continue
            questions[spec.slug] = spec


def _topics(data, reader: FieldReader) -> dict[str, Topic]:
    found = {}
    raw = data.get("topics")
    if not isinstance(raw, dict) or not raw:
        reader.fail(("topics",), "must be a mapping of topic slug to title and rule")
        return found
    for slug, value in raw.items():
        path = ("topics", slug)
        if not SLUG.fullmatch(str(slug)):
            reader.fail(path, "a topic slug is lower-case words joined by '-'")
            continue
        if not isinstance(value, dict) or not _text(value.get("title")) or not _text(value.get("rule")):
            reader.fail(path, "needs a title and a rule, both text")
            continue
        found[slug] = Topic(slug, value["title"].strip(), value["rule"].strip())
    return found


def _clusters(data, reader: FieldReader) -> dict[str, str]:
    raw = data.get("clusters")
    if not isinstance(raw, dict):
        reader.fail(("clusters",), "must be a mapping of name to manifests")
        return {}
    found = {}
    for name, text in raw.items():
        if not _text(text):
            reader.fail(("clusters", name), "must be manifests as text")
            continue
        found[str(name)] = text
    return found


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _question(raw, path, template, reader: FieldReader, topics, clusters):
    before = len(reader.problems)
    if not isinstance(raw, dict):
        reader.fail(path, "must be a mapping")
        return None
    slug = raw.get("slug")
    who = f"question {slug}" if isinstance(slug, str) else ""

    def bad(field, message):
        reader.fail(path + field, message, who=who)

    def unknown(data, field, known):
        reader.unknown_fields(data, path + field, sorted(known), who=who)

    unknown(raw, (), TEMPLATE_FIELDS if template else QUESTION_FIELDS)
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        bad(("slug",), "is required: lower-case words joined by '-'")
    if raw.get("kind") not in KINDS:
        bad(("kind",), f"must be one of {', '.join(KINDS)}")
    if raw.get("topic") not in topics:
        bad(("topic",), f"must be a topic of topics.yaml, not {raw.get('topic')!r}")
    stage = raw.get("stage")
    numbers = [s.number for s in stages.catalog().stages]
    if isinstance(stage, bool) or not isinstance(stage, int) or stage not in numbers:
        bad(("stage",), f"must be a stage of the guide, {min(numbers)} to {max(numbers)}")
    for key in ("prompt", "explanation"):
        if not _text(raw.get(key)):
            bad((key,), "is required text")
    for key in ("yaml", "manifests", "policies"):
        if key in raw and not _text(raw[key]):
            bad((key,), "must be YAML as text")
    for key in ("multiple", "shuffle"):
        if key in raw and not isinstance(raw[key], bool):
            bad((key,), "must be true or false")
    if "cluster" in raw and raw["cluster"] not in clusters:
        bad(("cluster",), f"no cluster {raw['cluster']!r} in clusters.yaml")
    if raw.get("yaml") and raw.get("policies"):
        bad(("yaml",), "give yaml (shown only) or policies (shown and applied), not both")
    if raw.get("policies") and not (raw.get("cluster") or raw.get("manifests")):
        bad(("policies",), "policies are applied to a cluster: give cluster or manifests")
    externals = _string_list(raw, "externals", bad)
    requires = _string_list(raw, "requires", bad)
    if requires and not (raw.get("cluster") or raw.get("manifests")):
        bad(("requires",), "requires needs a cluster to check the choices against")

    params = ()
    if template:
        params = _params(raw.get("params"), bad)
        pick = raw.get("pick")
        if pick is not None and (isinstance(pick, bool) or not isinstance(pick, int) or pick < 2):
            bad(("pick",), "must be a whole number of choices, at least 2")
    choices = _choices(raw.get("choices"), template, raw, bad, unknown)
    if template and choices and raw.get("pick") and isinstance(raw["pick"], int) \
            and raw["pick"] > len(choices):
        bad(("pick",), f"picks {raw['pick']} of only {len(choices)} choices")
    if template and isinstance(slug, str):
        _check_placeholders(raw, params, bad)
    if not template:
        for i, text in enumerate(requires):
            try:
                Probe.parse(text)
            except ValueError as exc:
                bad(("requires", i), str(exc))
    if len(reader.problems) > before:
        return None
    return QuestionSpec(
        slug=slug, kind=raw["kind"], topic=raw["topic"], stage=stage,
        prompt=raw["prompt"].strip(), explanation=raw["explanation"].strip(),
        choices=choices, multiple=raw.get("multiple", False), shuffle=raw.get("shuffle", True),
        yaml=raw.get("yaml", ""), cluster=raw.get("cluster", ""),
        manifests=raw.get("manifests", ""), policies=raw.get("policies", ""),
        externals=externals, requires=requires, params=params, pick=raw.get("pick"),
        source=reader.name, line=reader.line(path),
    )


def _string_list(raw, key, bad) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        bad((key,), "must be a list of text")
        return ()
    return tuple(v.strip() for v in value)


def _params(raw, bad) -> tuple:
    """{name: [values]}; a value may be a mapping, whose keys k give placeholders $name_k."""
    if not isinstance(raw, dict) or not raw:
        bad(("params",), "a template needs params: {name: [values, ...]}")
        return ()
    params = []
    for name, values in raw.items():
        if not isinstance(name, str) or not PARAM.fullmatch(name):
            bad(("params", str(name)), "a param name is lower-case letters, digits and _")
            continue
        if not isinstance(values, list) or len(values) < 2:
            bad(("params", name), "needs a list of at least two values")
            continue
        if all(_scalar(v) for v in values):
            params.append((name, tuple(str(v) for v in values)))
        elif all(isinstance(v, dict) and v and all(_scalar(x) for x in v.values()) for v in values):
            keys = set(values[0])
            if any(set(v) != keys for v in values) or not all(PARAM.fullmatch(str(k)) for k in keys):
                bad(("params", name), "its mappings need the same keys, each a lower-case name")
                continue
            params.append((name, tuple(tuple(sorted((k, str(x)) for k, x in v.items()))
                                       for v in values)))
        else:
            bad(("params", name), "values must all be text or numbers, or all mappings of them")
    return tuple(params)


def _scalar(value) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _choices(raw, template, question, bad, unknown) -> tuple[ChoiceSpec, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        bad(("choices",), "needs a list of at least two choices")
        return ()
    choices = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            bad(("choices", i), "must be a mapping")
            continue
        unknown(c, ("choices", i), CHOICE_FIELDS)
        if not any(_text(c.get(k)) for k in ("text", "probe", "yaml")):
            bad(("choices", i), "needs text, probe or yaml")
        for key in ("text", "probe", "yaml"):
            if key in c and not _text(c[key]):
                bad(("choices", i, key), "must be text")
        expect = c.get("expect", "allowed")
        if expect not in ("allowed", "denied"):
            bad(("choices", i, "expect"), "must be allowed or denied")
        if "expect" in c and "probe" not in c:
            bad(("choices", i, "expect"), "expect needs a probe")
        if template:
            if "correct" in c:
                bad(("choices", i, "correct"),
                    "a template's key comes from the engine: give a probe, not correct")
            elif "probe" not in c:
                bad(("choices", i, "probe"), "every choice of a template needs a probe")
        elif not isinstance(c.get("correct"), bool):
            bad(("choices", i, "correct"), "must be true or false")
        if not template and "probe" in c and _text(c.get("probe")):
            try:
                Probe.parse(c["probe"])
            except ValueError as exc:
                bad(("choices", i, "probe"), str(exc))
        if question.get("kind") == "prediction" and "probe" not in c:
            bad(("choices", i, "probe"), "a prediction choice needs a probe for the engine to check")
        choices.append(ChoiceSpec(
            text=(c.get("text") or "").strip() if isinstance(c.get("text"), str) else "",
            probe=c.get("probe", "") if isinstance(c.get("probe"), str) else "",
            expect_allowed=expect != "denied",
            yaml=c.get("yaml", "") if isinstance(c.get("yaml"), str) else "",
            correct=c.get("correct") if isinstance(c.get("correct"), bool) else None,
        ))
    if not template and len(choices) == len(raw):
        right = sum(1 for c in choices if c.correct)
        if right == 0:
            bad(("choices",), "no choice is correct")
        elif right > 1 and not question.get("multiple"):
            bad(("choices",), f"{right} choices are correct: set multiple: true, or keep one")
    if any(c.probe for c in choices) and not (question.get("cluster") or question.get("manifests")):
        bad(("choices",), "probes need a cluster (cluster or manifests) to be checked against")
    return tuple(choices)


def _check_placeholders(raw, params, bad):
    names = set(placeholders(params))
    texts = [((key,), raw.get(key)) for key in TEXT_FIELDS]
    texts += [(("choices", i, key), c.get(key)) for i, c in enumerate(raw.get("choices") or [])
              if isinstance(c, dict) for key in ("text", "probe", "yaml")]
    for field, text in texts:
        if not isinstance(text, str):
            continue
        template = string.Template(text)
        if not template.is_valid():
            bad(field, "has a '$' that is not a placeholder (write $$ for a dollar sign)")
            continue
        for name in template.get_identifiers():
            if name not in names:
                bad(field, f"uses ${name}, which is not among the params")
