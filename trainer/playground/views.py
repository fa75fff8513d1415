"""The playground: a cluster and policies typed or pasted by the learner, and the stages' panel.

As on a stage page, each post renders the fragment it changes for htmx and the whole page
otherwise; bad YAML is a message in the panel, a request no form could send a 400.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from trainer.drafts import store as drafts
from trainer.limits import limits
from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest
from trainer.panel import memory
from trainer.panel.panel import MAX_CONNECTIONS, BadRequest, endpoint_keys, explain, parse_cell

from .world import NO_CLUSTER, PLACE, evaluate_texts, example

PAGE = "playground/playground.html"


@require_GET
def page(request: HtmxHttpRequest) -> HttpResponse:
    draft = drafts.load(request, PLACE)
    cluster, policies = (draft.cluster, draft.text) if draft else example()
    evaluation, world = evaluate_texts(cluster, policies)
    return _page(request, cluster, evaluation, world, restored=draft is not None)


@require_POST
@rate_limited("evaluate")
def evaluate_view(request: HtmxHttpRequest) -> HttpResponse:
    try:
        cluster, policies = _texts(request.POST)
    except BadRequest as exc:
        return refuse(str(exc))
    evaluation, world = evaluate_texts(cluster, policies, memory.recall(request, PLACE))
    if evaluation.ok:
        memory.remember(request, PLACE, evaluation.allowed)
    start_cluster, start_policies = example()
    draft_note = drafts.keep(request, PLACE, policies, start_policies, cluster, start_cluster)
    context = {"evaluation": evaluation, "urls": _urls(), "draft_note": draft_note}
    if request.htmx:
        return render(request, f"{PAGE}#evaluated", context)
    return _page(request, cluster, evaluation, world, draft_note=draft_note)


@require_POST
@rate_limited("evaluate")
def explain_view(request: HtmxHttpRequest) -> HttpResponse:
    try:
        cluster, policies = _texts(request.POST)
        src, dst, port, protocol = parse_cell(request.POST.get("cell", ""))
    except BadRequest as exc:
        return refuse(str(exc))
    return _answer(request, cluster, policies, (src, dst, port, protocol), "explanation")


@require_POST
@rate_limited("evaluate")
def probe_view(request: HtmxHttpRequest) -> HttpResponse:
    try:
        cluster, policies = _texts(request.POST)
    except BadRequest as exc:
        return refuse(str(exc))
    probe = _probe(request.POST)
    question = (probe["from"], probe["to"], probe["port"], probe["protocol"])
    return _answer(request, cluster, policies, question, "probe", probe)


@require_POST
def reset(request: HtmxHttpRequest) -> HttpResponse:
    """Forget the learner's playground draft: the page opens with the example again."""
    drafts.discard(request, PLACE)
    return redirect("playground:page")


# --- helpers ---------------------------------------------------------------------


def _texts(post) -> tuple[str, str]:
    if "cluster" not in post or "yaml" not in post:
        raise BadRequest("the form has no cluster or yaml field")
    return post["cluster"], post["yaml"]


def _probe(post) -> dict:
    return {key: post.get(f"probe_{key}", "")[:300] for key in ("from", "to", "port", "protocol")}


def _urls() -> dict:
    return {name: reverse(f"playground:{name}") for name in ("evaluate", "explain", "probe", "reset")}


def _answer(request, cluster: str, policies: str, question: tuple, kind: str, probe=None) -> HttpResponse:
    """A cell's or a probe's answer: the fragment for htmx, else the page with it filled in."""
    evaluation, world = evaluate_texts(cluster, policies)
    answer = explain(world, policies, *question) if world is not None else NO_CLUSTER
    if request.htmx:
        response = render(request, "panel/panel.html#explanation", {"explanation": answer, "kind": kind})
        return reswap(retarget(response, "#explanation" if kind == "explanation" else "#probe-result"),
                      "innerHTML")
    extra = {"explanation": answer} if kind == "explanation" else {"probe_answer": answer, "probe": probe}
    return _page(request, cluster, evaluation, world, **extra)


def _page(request, cluster: str, evaluation, world, **extra) -> HttpResponse:
    endpoints = endpoint_keys(world) if world is not None else []
    context = {
        "cluster_text": cluster,
        "evaluation": evaluation,
        "urls": _urls(),
        "endpoints": endpoints,
        "max_kib": limits().web.max_bytes // 1024,
        "max_connections": MAX_CONNECTIONS,
        "probe": extra.pop("probe", None) or {"from": "", "to": "", "port": "", "protocol": "TCP"},
        **extra,
    }
    return render(request, PAGE, context)
