"""What a class is given: listing, adding and removing assignments; a learner starting a
class quiz."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest

from .. import quizzes
from ..forms import AssignmentForm
from ..models import Assignment
from .access import assignment_in, classroom_for, my_membership

MAX_ASSIGNMENTS = 60  # per class: a term's worth, and a dashboard that still fits


@login_required
def assignments(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    form = AssignmentForm(request.POST or None)
    if request.method == "POST":
        classroom_for(request, pk, "classes.manage")  # an archived class takes no new work
        if classroom.assignments.count() >= MAX_ASSIGNMENTS:
            return refuse(f"A class holds at most {MAX_ASSIGNMENTS} assignments.")
        if form.is_valid():
            data = form.cleaned_data
            last = classroom.assignments.aggregate(n=Max("position"))["n"] or 0
            Assignment.objects.create(
                classroom=classroom, kind=data["kind"], slug=data["slug"], title=data["title"],
                opens_at=data.get("opens_at"), due_at=data.get("due_at"), position=last + 1,
                quiz_mode=data["quiz_mode"], topics=list(data.get("topics") or []),
                questions=data.get("questions") or 10,
                minutes=data.get("minutes") if data["quiz_mode"] == "exam" else None)
            messages.success(request, f"Assigned: {data['title']}.")
            return redirect("classes:assignments", pk=pk)
    return render(request, "classes/assignments.html", {
        "classroom": classroom, "tab": "assignments", "form": form,
        "assignments": classroom.assignments.all()}, status=400 if form.errors else 200)


@login_required
@require_POST
def delete(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    item = assignment_in(classroom, assignment)
    item.delete()  # the learners' own records stay theirs; only the class's view of them goes
    messages.info(request, f"Removed the assignment {item.title}.")
    return redirect("classes:assignments", pk=pk)


@login_required
@require_POST
@rate_limited("quiz-start")
def start_quiz(request: HtmxHttpRequest, pk: int, assignment: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.learn")
    item = assignment_in(classroom, assignment)
    if item.kind != Assignment.Kind.QUIZ:
        return refuse("Only a quiz is started here.")
    try:
        attempt = quizzes.start(item, my_membership(request, classroom))
    except quizzes.CannotStart as refused:
        messages.error(request, str(refused))
        return redirect("classes:detail", pk=pk)
    return redirect("quizzes:resume", pk=attempt.pk)
