"""A class's timed exam: open and close it for everyone, extra time for one learner, and the
record of each action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trainer.ops.errors import refuse
from trainer.ops.requests import HtmxHttpRequest

from .. import board, quizzes, records
from ..forms import ExtraTimeForm
from ..models import ExtraTime
from .access import assignment_in, classroom_for


def _exam(request, pk: int, assignment: int, rule: str):
    classroom = classroom_for(request, pk, rule)
    item = assignment_in(classroom, assignment)
    if not item.is_exam:
        raise Http404("Not a timed exam.")
    return classroom, item


@never_cache
@login_required
@require_GET
def exam(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    classroom, item = _exam(request, pk, assignment, "classes.teach")
    learners = records.learners(classroom)
    built = board.build(classroom)
    column = built.assignments.index(item)
    extra = {e.user_id: e.minutes for e in ExtraTime.objects.filter(assignment=item)}
    return render(request, "classes/exam.html", {
        "classroom": classroom, "tab": "assignments", "item": item, "now": timezone.now(),
        "rows": [(r.membership, r.cells[column], extra.get(r.membership.user_id)) for r in built.rows],
        "form": ExtraTimeForm(learners=learners),
        "audit": classroom.audit.select_related("actor", "learner")[:50],
    })


@login_required
@require_POST
def open_exam(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    _, item = _exam(request, pk, assignment, "classes.manage")
    if item.exam_running():
        return refuse("This exam is already open.")
    quizzes.open_exam(item, request.user)
    messages.success(request, f"The exam is open until {item.exam_closes_at:%H:%M} UTC.")
    return redirect("classes:exam", pk=pk, assignment=assignment)


@login_required
@require_POST
def close_exam(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    _, item = _exam(request, pk, assignment, "classes.manage")
    if item.exam_opened_at is None:
        return refuse("This exam has not been opened.")
    finished = quizzes.close_exam(item, request.user)
    messages.info(request, f"The exam is closed; {finished} attempts still open were finished.")
    return redirect("classes:exam", pk=pk, assignment=assignment)


@login_required
@require_POST
def extra_time(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    classroom, item = _exam(request, pk, assignment, "classes.manage")
    learners = records.learners(classroom)
    form = ExtraTimeForm(request.POST, learners=learners)
    if not form.is_valid():
        return refuse("Extra time is for a learner of the class, 1 to 240 minutes.")
    learner = next(m for m in learners if str(m.pk) == form.cleaned_data["learner"])
    quizzes.give_extra_time(item, request.user, learner.user, form.cleaned_data["minutes"])
    messages.success(request, f"{learner.user.get_username()} has {form.cleaned_data['minutes']} "
                              "extra minutes.")
    return redirect("classes:exam", pk=pk, assignment=assignment)
