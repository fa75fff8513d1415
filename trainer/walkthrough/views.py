"""The stages: a page per stage, and the posts its editor, matrix cells and probe make; and the
"Beyond the guide" lessons, a page each (text only, no editor).

Each post renders just the fragment it changes for htmx, and the whole page
otherwise, so the site works without JavaScript. A learner's mistake is a 200
with the message; a request no form could send is a 400.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from trainer.catalog import beyond
from trainer.catalog.quiz import bank
from trainer.catalog.stages import catalog
from trainer.drafts import store as drafts
from trainer.ops.errors import refuse
from trainer.ops.outages import OUTAGES
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest
from trainer.panel import memory
from trainer.panel.panel import BadRequest, endpoint_keys, evaluate, explain, parse_cell

from . import progress
from .claims import failures
from .forms import Posted, read_post
from .worlds import starting_allowed, world_for

STAGE_CONTENT_TYPE = "application/yaml; charset=utf-8"
logger = logging.getLogger(__name__)


def _stage(number: int):
    stage = catalog().stage(number)
    if stage is None:
        raise Http404("No such stage.")
    return stage


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    done = progress.progress_for(request)
    stages = [(stage, done.get(stage.slug, set())) for stage in catalog().stages]
    return render(request, "walkthrough/index.html",
                  {"stages": stages, "beyond_count": len(beyond.lessons())})


@require_GET
def stage(request: HtmxHttpRequest, number: int) -> HttpResponse:
    stage = _stage(number)
    scenario = catalog().scenario(request.GET.get("scenario") or None)
    if scenario is None:
        raise Http404("No such scenario.")
    progress.record(request, stage.slug, "visited")
    draft = drafts.load(request, progress.draft_place(stage))
    evaluation = evaluate(world_for(scenario), draft.text if draft else stage.yaml)
    return _page(request, stage, scenario, evaluation, restored=draft is not None)


@require_POST
def reset(request: HtmxHttpRequest, number: int) -> HttpResponse:
    """Forget the learner's draft of this stage: the page opens with the stage's own YAML again."""
    stage = _stage(number)
    drafts.discard(request, progress.draft_place(stage))
    scenario = catalog().scenario(request.POST.get("scenario") or None)
    query = f"?scenario={scenario.slug}" if scenario and scenario != catalog().scenarios[0] else ""
    return redirect(reverse("walkthrough:stage", args=[number]) + query)


@require_GET
def beyond_index(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "walkthrough/beyond_index.html", {"lessons": beyond.lessons()})


@require_GET
def beyond_lesson(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    lessons = beyond.lessons()
    index = next((i for i, item in enumerate(lessons) if item.slug == slug), None)
    if index is None:
        raise Http404("No such lesson.")
    return render(request, "walkthrough/beyond.html", {
        "lesson": lessons[index],
        "position": index + 1,
        "count": len(lessons),
        "previous_lesson": lessons[index - 1] if index else None,
        "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
        "topic": bank().topics.get(lessons[index].topic),
    })


@require_POST
@rate_limited("evaluate")
def evaluate_view(request: HtmxHttpRequest, number: int) -> HttpResponse:
    stage = _stage(number)
    try:
        posted = read_post(request.POST)
    except BadRequest as exc:
        return refuse(str(exc))
    evaluation = _evaluate(request, stage, posted)
    try:
        news = _record_work(request, stage, posted, evaluation)
    except OUTAGES as exc:
        # The editor needs no database: answer, and leave a signed-in learner's progress for the
        # next edit after the database is back (anonymous progress is in the session, on Redis).
        logger.warning("progress not recorded, database unavailable: %s", type(exc).__name__)
        news = set()
    draft_note = drafts.keep(request, progress.draft_place(stage), posted.text, stage.yaml)
    if request.htmx:
        context = _fragment_context(request, stage, posted.scenario, evaluation, news)
        return render(request, "walkthrough/stage.html#evaluated", {**context, "draft_note": draft_note})
    return _page(request, stage, posted.scenario, evaluation, draft_note=draft_note)


@require_POST
@rate_limited("evaluate")
def explain_view(request: HtmxHttpRequest, number: int) -> HttpResponse:
    """A matrix cell's explanation (the cell's button posts "src>dst>port/protocol")."""
    stage = _stage(number)
    try:
        posted = read_post(request.POST)
        src, dst, port, protocol = parse_cell(request.POST.get("cell", ""))
    except BadRequest as exc:
        return refuse(str(exc))
    explanation = explain(posted.world, posted.text, src, dst, port, protocol)
    return _answer(request, stage, posted, explanation, "explanation")


@require_POST
@rate_limited("evaluate")
def probe_view(request: HtmxHttpRequest, number: int) -> HttpResponse:
    stage = _stage(number)
    try:
        posted = read_post(request.POST)
    except BadRequest as exc:
        return refuse(str(exc))
    p = posted.probe
    explanation = explain(posted.world, posted.text, p["from"], p["to"], p["port"], p["protocol"])
    return _answer(request, stage, posted, explanation, "probe")


@require_http_methods(["GET", "POST"])
def download(request: HtmxHttpRequest, number: int) -> HttpResponse:
    """The stage's YAML (GET) or the editor's text (POST), ready for kubectl apply."""
    stage = _stage(number)
    text = stage.yaml
    if request.method == "POST":
        try:
            text = read_post(request.POST).text
        except BadRequest as exc:
            return refuse(str(exc))
    response = HttpResponse(text, content_type=STAGE_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stage.filename}"'
    return response


# --- helpers ---------------------------------------------------------------------


def _evaluate(request: HtmxHttpRequest, stage, posted: Posted):
    """The panel for the posted YAML, diffed against this learner's previous evaluation here
    (kept on the server), or else against the stage's own YAML."""
    place = f"stage-{stage.number}:{posted.scenario.slug}"
    before = memory.recall(request, place) or starting_allowed(stage.number, posted.scenario.slug)
    evaluation = evaluate(posted.world, posted.text, before)
    if evaluation.ok:
        memory.remember(request, place, evaluation.allowed)
    return evaluation


def _record_work(request: HtmxHttpRequest, stage, posted, evaluation) -> set[str]:
    """Note what this evaluation achieved; returns the events that are new for the learner."""
    news = set()
    if posted.text.replace("\r\n", "\n").strip() != stage.yaml.strip():
        if progress.record(request, stage.slug, "edited"):
            news.add("edited")
    claims = stage.claims.get(posted.scenario.slug)
    if claims is not None and not failures(claims, posted.world, evaluation):
        if progress.record(request, stage.slug, "completed"):
            news.add("completed")
    return news


def _fragment_context(request: HtmxHttpRequest, stage, scenario, evaluation, news: set[str]) -> dict:
    """What an htmx evaluation needs: the panel, and the stage navigation only when progress moved.

    The fragment is the hot path (every pause in typing), so it skips the page's context.
    """
    context = {
        "stage": stage,
        "evaluation": evaluation,
        "urls": {"explain": reverse("walkthrough:explain", args=[stage.number])},
        "news": news,
    }
    if news:
        cat = catalog()
        done = progress.progress_for(request)
        context.update(scenario=scenario, scenarios=cat.scenarios,
                       stages=[(s, done.get(s.slug, set())) for s in cat.stages])
    return context


def _answer(request: HtmxHttpRequest, stage, posted, explanation, kind: str) -> HttpResponse:
    """A cell's or a probe's answer: the fragment for htmx, else the page with it filled in."""
    if request.htmx:
        # The whole form posted here (the button's formaction); put the answer where it belongs.
        response = render(request, "panel/panel.html#explanation", {"explanation": explanation, "kind": kind})
        return reswap(retarget(response, "#explanation" if kind == "explanation" else "#probe-result"),
                      "innerHTML")
    evaluation = _evaluate(request, stage, posted)
    extra = {"explanation": explanation} if kind == "explanation" else {"probe_answer": explanation}
    return _page(request, stage, posted.scenario, evaluation, probe=posted.probe, **extra)


def _context(request: HtmxHttpRequest, stage, scenario, evaluation, **extra) -> dict:
    cat = catalog()
    urls = {name: reverse(f"walkthrough:{name}", args=[stage.number])
            for name in ("evaluate", "explain", "probe", "download", "reset")}
    done = progress.progress_for(request)
    world = world_for(scenario)
    return {
        "stage": stage,
        "scenario": scenario,
        "scenarios": cat.scenarios,
        "stages": [(s, done.get(s.slug, set())) for s in cat.stages],
        "done": done.get(stage.slug, set()),
        "previous_stage": cat.stage(stage.number - 1),
        "next_stage": cat.stage(stage.number + 1),
        "evaluation": evaluation,
        "world": world,
        "urls": urls,
        "endpoints": endpoint_keys(world),
        "probe": extra.pop("probe", None) or {"from": "", "to": world.target.pod,
                                               "port": str(world.target.port), "protocol": "TCP"},
        **extra,
    }


def _page(request: HtmxHttpRequest, stage, scenario, evaluation, **extra) -> HttpResponse:
    return render(request, "walkthrough/stage.html", _context(request, stage, scenario, evaluation, **extra))
