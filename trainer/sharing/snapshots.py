"""Making share links and showing what they open.

A code is 8 characters from a 31-letter alphabet without look-alikes (0/o, 1/l/i): 31^8 is about
850 billion, so codes cannot be guessed, and creating them is rate-limited per learner and address.
What a snapshot shows is computed again when it is opened, from the content of today and the
texts of then, by the same panel the editors use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.drafts import store as drafts
from trainer.lab.pages import world_for as exercise_world
from trainer.lab.progress import store_for
from trainer.limits import limits
from trainer.netpol.problems import InputError
from trainer.panel.panel import Evaluation, evaluate
from trainer.panel.world import World
from trainer.playground.world import PLACE, evaluate_texts, load_world
from trainer.walkthrough.progress import draft_place
from trainer.walkthrough.worlds import world_for as stage_world

from .models import Snapshot

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
TRIES = 5


class Refused(ValueError):
    """A share that cannot be kept; the message is for the learner."""


@dataclass(frozen=True)
class Place:
    """Where a snapshot was made: enough to answer a cell or a probe, or to edit a copy."""

    title: str  # "Stage 3: Allow ingress from the API pod on port 3306"
    editor_url: str  # where "Edit a copy" lands
    world: World | None  # what the policies were applied to; None when a playground's cluster is bad


@dataclass(frozen=True)
class Shown:
    """The snapshot as its page shows it: its place and the panel."""

    place: Place
    evaluation: Evaluation


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def create(kind: str, item: str, policies: str, *, scenario: str = "", cluster: str = "") -> Snapshot:
    """A new snapshot; Refused when a text is over the web editor's limit."""
    most = limits().web.max_bytes
    size = max(len(t.encode("utf-8", "surrogatepass")) for t in (policies, cluster))
    if size > most:
        raise Refused(f"Not shared: the text is {size:,} bytes and a share link keeps at most "
                      f"{most:,} ({most // 1024} KiB).")
    for _ in range(TRIES):
        try:
            with transaction.atomic():
                return Snapshot.objects.create(code=new_code(), kind=kind, item=item, scenario=scenario,
                                               policies=policies, cluster=cluster)
        except IntegrityError:  # the code was taken: draw another
            continue
    raise Refused("Not shared: no free link could be made just now. Try again.")


def place(snapshot: Snapshot) -> Place | None:
    """Where the snapshot was made; None when its stage or exercise is gone from the content."""
    if snapshot.kind == Snapshot.Kind.STAGE:
        stage = catalog().stage(int(snapshot.item)) if snapshot.item.isdigit() else None
        scenario = catalog().scenario(snapshot.scenario or None)
        if stage is None or scenario is None:
            return None
        query = "" if scenario.slug == catalog().scenarios[0].slug else f"?scenario={scenario.slug}"
        return Place(f"Stage {stage.number}: {stage.title}",
                     reverse("walkthrough:stage", args=[stage.number]) + query, stage_world(scenario))
    if snapshot.kind == Snapshot.Kind.EXERCISE:
        try:
            exercise = get_exercise(snapshot.item)
        except KeyError:
            return None
        return Place(f"Practice lab: {exercise.title}", reverse("lab:exercise", args=[exercise.id]),
                     exercise_world(exercise))
    try:
        world = load_world(snapshot.cluster)
    except InputError:
        world = None
    return Place("Playground", reverse("playground:page"), world)


def shown(snapshot: Snapshot) -> Shown | None:
    """The snapshot as its page shows it; None when its place is gone. The panel is computed
    again from the texts; a snapshot is not an edit, so it has no "what changed" (diff None)."""
    found = place(snapshot)
    if found is None:
        return None
    if snapshot.kind == Snapshot.Kind.PLAYGROUND:
        evaluation, _ = evaluate_texts(snapshot.cluster, snapshot.policies)  # the cluster's problems too
    else:
        evaluation = evaluate(found.world, snapshot.policies)
    evaluation.diff = None
    return Shown(found, evaluation)


def copy_to_drafts(request, snapshot: Snapshot) -> None:
    """"Edit a copy": the snapshot's texts become the visitor's own draft where it was made."""
    if snapshot.kind == Snapshot.Kind.STAGE:
        stage = catalog().stage(int(snapshot.item))
        drafts.save(request, draft_place(stage), snapshot.policies)
    elif snapshot.kind == Snapshot.Kind.EXERCISE:
        store_for(request).save_draft(snapshot.item, snapshot.policies)
    else:
        drafts.save(request, PLACE, snapshot.policies, snapshot.cluster)
