"""Live "predict the matrix" polls: learners mark the connections they think a policy allows;
the tally shows how many predicted each; the reveal shows the engine's answer and explains
the connection most of the class got wrong. Nothing here names a learner."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.lab.pages import world_for as lab_world
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.objects import Cluster
from trainer.panel.world import World, load_learner
from trainer.walkthrough.worlds import world_for as walkthrough_world

from .models import Poll, PollAnswer

MAX_PODS = 10  # a grid a class can read on a projector: 90 cells


@dataclass(frozen=True)
class Source:
    """What a poll is about: the world a page shows, a policy's YAML in it, and a title."""

    title: str
    world: World
    yaml: str

    @property
    def cluster(self) -> Cluster:
        return self.world.cluster

    def applied(self) -> Cluster:
        return load_learner(self.world, self.yaml)[1]


def source(kind: str, slug: str) -> Source | None:
    """A stage's YAML in the walkthrough's first scenario, or an exercise's model answer."""
    if kind == "stage":
        stage = next((s for s in catalog().stages if s.slug == slug), None)
        if stage is None:
            return None
        return Source(f"Stage {stage.number}: {stage.title}", walkthrough_world(catalog().scenario(None)),
                      stage.yaml)
    try:
        exercise = get_exercise(slug)
    except KeyError:
        return None
    return Source(exercise.title, lab_world(exercise), exercise.solution)


def pods(src: Source) -> list[str]:
    return [p.key for p in src.cluster.pods][:MAX_PODS]


def cells(src: Source) -> list[str]:
    """Every ordered pair of distinct pods, as "source>destination"."""
    names = pods(src)
    return [f"{a}>{b}" for a in names for b in names if a != b]


def default_port(src: Source) -> int:
    """The port the page's headline asks about, else the one most pods declare, else 80."""
    if src.world.target is not None:
        return src.world.target.port
    counts: dict[int, int] = {}
    for pod in src.cluster.pods:
        for port in {p.port for p in pod.ports}:
            counts[port] = counts.get(port, 0) + 1
    return max(counts, key=lambda p: (counts[p], -p)) if counts else 80


def answer(poll: Poll, user, chosen: list[str]) -> PollAnswer:
    valid = set(cells(source(poll.kind, poll.slug)))
    picked = sorted(set(chosen) & valid)
    row, _ = PollAnswer.objects.update_or_create(poll=poll, user=user, defaults={"allowed": picked})
    return row


@dataclass(frozen=True)
class Tally:
    answers: int
    predicted: dict[str, int]  # cell -> learners predicting "allowed"
    truth: dict[str, bool] | None  # after the reveal
    most_missed: str | None
    missed_by: int
    explanation: str


def tally(poll: Poll) -> Tally:
    src = source(poll.kind, poll.slug)
    keys = cells(src)
    answers = list(PollAnswer.objects.filter(poll=poll).values_list("allowed", flat=True))
    predicted = dict.fromkeys(keys, 0)
    for allowed in answers:
        for key in allowed:
            if key in predicted:
                predicted[key] += 1
    if poll.state != Poll.State.REVEALED:
        return Tally(len(answers), predicted, None, None, 0, "")
    analyzer = Analyzer(src.applied())
    truth = {k: analyzer.allowed(*k.split(">"), poll.port, poll.protocol) for k in keys}
    wrong = {k: (predicted[k] if not truth[k] else 0) + (len(answers) - predicted[k] if truth[k] else 0)
             for k in keys}
    worst = max(keys, key=lambda k: (wrong[k], k)) if keys else None
    text = ""
    if worst is not None and wrong[worst]:
        text = analyzer.check(*worst.split(">"), poll.port, poll.protocol).explanation
    return Tally(len(answers), predicted, truth, worst if text else None, wrong.get(worst, 0), text)


@dataclass(frozen=True)
class TallyCell:
    key: str  # "" on the diagonal
    count: int
    allowed: bool | None  # the engine's answer, once revealed
    most_missed: bool


def tally_rows(src: Source, found: Tally) -> list[tuple[str, list[TallyCell]]]:
    """The tally as the projector's grid: rows are sources, columns destinations."""
    names = pods(src)
    rows = []
    for a in names:
        cells_of_row = []
        for b in names:
            key = f"{a}>{b}" if a != b else ""
            cells_of_row.append(TallyCell(key, found.predicted.get(key, 0),
                                          found.truth.get(key) if found.truth and key else None,
                                          bool(key) and key == found.most_missed))
        rows.append((a, cells_of_row))
    return rows
