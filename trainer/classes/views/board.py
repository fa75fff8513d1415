"""The live dashboard, a learner's latest work behind a cell, misconceptions, broadcasts and
the projector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trainer.catalog.exercises import get_exercise
from trainer.grading.diagnosis import MISTAKES
from trainer.lab.models import Submission
from trainer.lab.pages import world_for
from trainer.ops.errors import refuse
from trainer.ops.requests import HtmxHttpRequest, htmx_partial
from trainer.panel.panel import evaluate
from trainer.walkthrough.models import StageProgress

from .. import board, mistakes, quizzes
from ..forms import BroadcastForm
from ..models import Assignment, Broadcast
from .access import assignment_in, classroom_for, learner_in

POLL_SECONDS = 5


@never_cache
@login_required
@require_GET
def dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The whole page, or (htmx polling) just the rows: the table's scroll stays where it is."""
    classroom = classroom_for(request, pk, "classes.teach")
    built = board.build(classroom)
    context = {"classroom": classroom, "tab": "dashboard", "board": built, "poll_seconds": POLL_SECONDS,
               # the cells' links, joined in the template: 4,000 reverse() calls cost 40 ms
               "work_prefix": reverse("classes:work", args=[pk, 0, 0]).removesuffix("0/0/")}
    if htmx_partial(request):
        return render(request, "classes/dashboard.html#rows", context)
    return render(request, "classes/dashboard.html", context)


@never_cache
@login_required
@require_GET
def work(request: HtmxHttpRequest, pk: int, member: int, assignment: int) -> HttpResponse:
    """One learner's latest work on one assignment, read-only: for an exercise, the YAML with
    its reachability panel and grade."""
    classroom = classroom_for(request, pk, "classes.teach")
    learner, item = learner_in(classroom, member), assignment_in(classroom, assignment)
    built = board.build(classroom, only=learner)
    context = {"classroom": classroom, "learner": learner, "item": item,
               "cell": built.rows[0].cells[built.assignments.index(item)]}
    if item.kind == Assignment.Kind.EXERCISE:
        latest = Submission.objects.filter(user=learner.user, exercise=item.slug).order_by("-id").first()
        context["submission"] = latest
        if latest is not None:
            context["evaluation"] = _panel(item.slug, latest.answer)
    elif item.kind == Assignment.Kind.STAGE:
        context["progress"] = StageProgress.objects.filter(user=learner.user, stage=item.slug).first()
    else:
        context["attempts"] = quizzes.attempts_of(item, learner.user)
    return render(request, "classes/work.html", context)


def _panel(slug: str, text: str):
    try:
        return evaluate(world_for(get_exercise(slug)), text)
    except KeyError:  # the exercise left the content since
        return None


@never_cache
@login_required
@require_GET
def misconceptions(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    built = mistakes.build(classroom)
    exercises = [e.assignment for e in built.exercises]
    context = {"classroom": classroom, "tab": "mistakes", "found": built, "poll_seconds": POLL_SECONDS,
               "broadcast_form": BroadcastForm(exercises=exercises),
               "broadcasts": classroom.broadcasts.filter(active=True)}
    if htmx_partial(request):
        return render(request, "classes/mistakes.html#tables", context)
    return render(request, "classes/mistakes.html", context)


@never_cache
@login_required
@require_GET
def who(request: HtmxHttpRequest, pk: int, exercise: str, mistake: str) -> HttpResponse:
    """The drill-down: the learners whose latest answer to the exercise shows the mistake."""
    classroom = classroom_for(request, pk, "classes.teach")
    assignment = classroom.assignments.filter(kind=Assignment.Kind.EXERCISE, slug=exercise).first()
    if assignment is None or mistake not in MISTAKES:
        raise Http404("No such exercise or mistake in this class.")
    found = mistakes.learners_with(classroom, exercise, mistake)
    return render(request, "classes/who.html", {
        "classroom": classroom, "tab": "mistakes", "assignment": assignment,
        "title": MISTAKES[mistake], "found": found})


@login_required
@require_POST
def broadcast(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    exercises = [a for a in classroom.assignments.all() if a.kind == Assignment.Kind.EXERCISE]
    form = BroadcastForm(request.POST, exercises=exercises)
    if not form.is_valid():
        return refuse("A message needs text of at most 500 characters, on a page of the class.")
    Broadcast.objects.create(classroom=classroom, author=request.user, text=form.cleaned_data["text"],
                             exercise=form.cleaned_data["exercise"])
    messages.success(request, "Sent: it shows on the learners' pages until you stop it.")
    return redirect("classes:mistakes", pk=pk)


@login_required
@require_POST
def stop_broadcast(request: HtmxHttpRequest, pk: int, message: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    row = get_object_or_404(Broadcast, pk=message, classroom=classroom)
    row.active = False
    row.save(update_fields=["active"])
    return redirect("classes:mistakes", pk=pk)


@never_cache
@login_required
@require_GET
def projector(request: HtmxHttpRequest, pk: int, member: int, assignment: int) -> HttpResponse:
    """One learner's latest answer, large, with the panel and its diagnosis: never their name."""
    classroom = classroom_for(request, pk, "classes.teach")
    learner, item = learner_in(classroom, member), assignment_in(classroom, assignment)
    if item.kind != Assignment.Kind.EXERCISE:
        raise Http404("The projector shows exercise answers.")
    latest = Submission.objects.filter(user=learner.user, exercise=item.slug).order_by("-id").first()
    if latest is None:
        raise Http404("No answer to show yet.")
    return render(request, "classes/projector.html", {
        "classroom": classroom, "item": item, "submission": latest,
        "evaluation": _panel(item.slug, latest.answer)})
