"""lessons/beyond/NN-slug.yaml -> the "Beyond the guide" lessons, and every problem found.

One lesson per file, in the order of the file names' numbers; the rest of the name is the
page's slug. A lesson is

    title: text
    summary: one sentence, shown on the index
    topic: a topic of lessons/quiz/topics.yaml (its questions practise the lesson)
    body: [...]       the stages' blocks (p, note, warning, list, table, code): stage_loading.read_body
    sources:          where its facts can be checked, at least one
      - {title: "Kubernetes docs: Network Policies", url: "https://kubernetes.io/..."}

Every file is read through fields.FieldReader, and every problem is reported at its line with
its field path ("lessons/beyond/02-node-traffic.yaml:14: body[3].table.rows[0]: ..."). A broken
lesson is left out; the others load.
"""

from __future__ import annotations

import re
from pathlib import Path

from .beyond_objects import BeyondLesson, Source
from .fields import FieldReader, shown_name
from .stage_loading import read_body

DIRECTORY = "beyond"
LESSON_FILE = re.compile(r"([0-9]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml")
LESSON_FIELDS = ("title", "summary", "topic", "body", "sources")
SOURCE_FIELDS = ("title", "url")


def load_beyond(root: Path, topics=None) -> tuple[tuple[BeyondLesson, ...], tuple[str, ...]]:
    """The lessons that load, in order, and a message for every problem found. `topics`: the quiz
    topics a lesson may name, or None when they are not known (topics.yaml is broken: said there)."""
    directory = root / DIRECTORY
    if not directory.is_dir():
        return (), (f"{shown_name(directory, root)}: is missing (no such directory)",)
    problems: list[str] = []
    lessons, numbers = [], {}
    for path in sorted(directory.iterdir()):
        match = LESSON_FILE.fullmatch(path.name)
        name = shown_name(path, root)
        if not match:
            problems.append(f"{name}: is not read: a lesson is NN-slug.yaml "
                            "(two digits, then lower-case words joined by '-')")
            continue
        number = int(match.group(1))
        if number in numbers:
            problems.append(f"{name}: has the number {match.group(1)} of {numbers[number]}: "
                            "each lesson has its own")
            continue
        numbers[number] = name
        lesson = _load_lesson(path, name, number, match.group(2), topics, problems)
        if lesson is not None:
            lessons.append(lesson)
    if not numbers and not problems:
        problems.append(f"{shown_name(directory, root)}: holds no lesson (NN-slug.yaml)")
    return tuple(lessons), tuple(problems)


def _load_lesson(path: Path, name: str, number: int, slug: str, topics, problems: list[str]):
    reader, data = FieldReader.read(path, name)
    lesson = None
    if data is not None and reader.mapping(data, (), LESSON_FIELDS):
        title = reader.field(data, ("title",), str)
        summary = reader.field(data, ("summary",), str)
        topic = reader.field(data, ("topic",), str)
        if topic is not None and topics is not None and topic not in topics:
            reader.fail(("topic",), f"must be a topic of lessons/quiz/topics.yaml, not {topic!r}")
        body = read_body(reader.field(data, ("body",), list), reader)
        sources = _sources(reader.field(data, ("sources",), list), reader)
        lesson = BeyondLesson(number, slug, title, summary, topic, body, sources)
    problems += reader.problems
    return None if reader.problems else lesson


def _sources(items, reader: FieldReader) -> tuple[Source, ...]:
    if items == []:
        reader.fail(("sources",), "lists no source: give at least one {title, url}")
    sources = []
    for i, item in enumerate(items or ()):
        at = ("sources", i)
        if not reader.mapping(item, at, SOURCE_FIELDS):
            continue
        title = reader.field(item, at + ("title",), str)
        url = reader.field(item, at + ("url",), str)
        if url is not None and not re.fullmatch(r"https://[^\s<>\"]+", url):
            reader.fail(at + ("url",), f"{url!r} is not an https:// address")
        sources.append(Source(str(title), str(url)))
    return tuple(sources)
