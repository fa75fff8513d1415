"""Share links: the editors' Share buttons post here; /s/<code>/ shows the snapshot to anyone.

A share answers htmx with the link, put beside the editor; without JavaScript it opens the new
link's page, which shows the link too. Nobody edits a snapshot: "Edit a copy" makes it the
visitor's own draft and opens the editor.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest
from trainer.panel.panel import BadRequest, endpoint_keys, explain, parse_cell
from trainer.playground.world import NO_CLUSTER

from . import snapshots
from .models import Snapshot

PAGE = "sharing/snapshot.html"


@require_POST
@rate_limited("share", into="#share-result")
def share_stage(request: HtmxHttpRequest, number: int) -> HttpResponse:
    if catalog().stage(number) is None:
        raise Http404("No such stage.")
    scenario = catalog().scenario(request.POST.get("scenario") or None)
    if "yaml" not in request.POST or scenario is None:
        return refuse("the form has no yaml field or an unknown scenario")
    return _share(request, Snapshot.Kind.STAGE, str(number), request.POST["yaml"], scenario=scenario.slug)


@require_POST
@rate_limited("share", into="#share-result")
def share_exercise(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    try:
        exercise = get_exercise(slug)
    except KeyError:
        raise Http404("No such exercise") from None
    if "answer" not in request.POST:
        return refuse("the form has no answer field")
    return _share(request, Snapshot.Kind.EXERCISE, exercise.id, request.POST["answer"])


@require_POST
@rate_limited("share", into="#share-result")
def share_playground(request: HtmxHttpRequest) -> HttpResponse:
    if "yaml" not in request.POST or "cluster" not in request.POST:
        return refuse("the form has no cluster or yaml field")
    return _share(request, Snapshot.Kind.PLAYGROUND, "", request.POST["yaml"],
                  cluster=request.POST["cluster"])


@require_GET
def snapshot(request: HtmxHttpRequest, code: str) -> HttpResponse:
    snap, _ = _open(code)
    return _page(request, snap)


@require_POST
@rate_limited("evaluate")
def explain_view(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """A matrix cell's explanation: questions about a snapshot change nothing in it."""
    snap, place = _open(code)
    try:
        question = parse_cell(request.POST.get("cell", ""))
    except BadRequest as exc:
        return refuse(str(exc))
    return _answer(request, snap, place, question, "explanation")


@require_POST
@rate_limited("evaluate")
def probe_view(request: HtmxHttpRequest, code: str) -> HttpResponse:
    snap, place = _open(code)
    probe = {key: request.POST.get(f"probe_{key}", "")[:300] for key in ("from", "to", "port", "protocol")}
    question = (probe["from"], probe["to"], probe["port"], probe["protocol"])
    return _answer(request, snap, place, question, "probe", probe)


@require_POST
@rate_limited("evaluate")
def copy(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Edit a copy: the snapshot becomes the visitor's draft, and the editor opens with it."""
    snap, place = _open(code)
    snapshots.copy_to_drafts(request, snap)
    return redirect(place.editor_url)


def _open(code: str) -> tuple[Snapshot, snapshots.Place]:
    """The snapshot and where it was made; the panel is computed only for a whole page."""
    snap = get_object_or_404(Snapshot, code=code)
    place = snapshots.place(snap)
    if place is None:
        raise Http404("What this link showed is no longer on the site.")
    return snap, place


def _answer(request, snap, place, question: tuple, kind: str, probe=None) -> HttpResponse:
    """A cell's or a probe's answer: the fragment for htmx, else the page with it filled in."""
    answer = explain(place.world, snap.policies, *question) if place.world is not None else NO_CLUSTER
    if request.htmx:
        response = render(request, "panel/panel.html#explanation", {"explanation": answer, "kind": kind})
        return reswap(retarget(response, "#explanation" if kind == "explanation" else "#probe-result"),
                      "innerHTML")
    extra = {"explanation": answer} if kind == "explanation" else {"probe_answer": answer, "probe": probe}
    return _page(request, snap, **extra)


def _page(request, snap, **extra) -> HttpResponse:
    shown = snapshots.shown(snap)
    world = shown.place.world
    target = world.target if world is not None else None
    probe = extra.pop("probe", None) or {"from": "", "to": target.pod if target else "",
                                         "port": str(target.port) if target else "", "protocol": "TCP"}
    return render(request, PAGE, {
        "snapshot": snap, "shown": shown, "evaluation": shown.evaluation, "probe": probe,
        "endpoints": endpoint_keys(world) if world is not None else [],
        "link": request.build_absolute_uri(snap_url(snap)),
        "urls": {name: reverse(f"sharing:{name}", args=[snap.code]) for name in ("explain", "probe")},
        **extra,
    })


def snap_url(snap: Snapshot) -> str:
    return reverse("sharing:snapshot", args=[snap.code])


def _share(request: HtmxHttpRequest, kind: str, item: str, policies: str, **texts) -> HttpResponse:
    try:
        snap = snapshots.create(kind, item, policies, **texts)
    except snapshots.Refused as exc:
        if request.htmx:
            response = render(request, "sharing/link.html", {"refused": str(exc)})
            return reswap(retarget(response, "#share-result"), "innerHTML")
        return render(request, "sharing/refused.html", {"refused": str(exc)})
    if request.htmx:
        response = render(request, "sharing/link.html", {"link": request.build_absolute_uri(snap_url(snap))})
        return reswap(retarget(response, "#share-result"), "innerHTML")
    return redirect(snap_url(snap))
