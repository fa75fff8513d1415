"""Predict-the-matrix polls: the instructor's list and screen, the learners' answer form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest, htmx_partial

from .. import polls
from ..forms import PollForm
from ..models import Poll, PollAnswer
from .access import classroom_for

MAX_POLLS = 100  # per class; the oldest closed ones can be deleted by archiving the class
POLL_SECONDS = 3


@never_cache
@login_required
def poll_list(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    form = PollForm(request.POST or None)
    if request.method == "POST":
        classroom_for(request, pk, "classes.manage")
        if classroom.polls.count() >= MAX_POLLS:
            return refuse(f"A class keeps at most {MAX_POLLS} polls.")
        if form.is_valid():
            kind, _, slug = form.cleaned_data["item"].partition(":")
            src = polls.source(kind, slug)
            if src is None:
                return refuse("No such stage or exercise.")
            poll = Poll.objects.create(classroom=classroom, kind=kind, slug=slug,
                                       port=form.cleaned_data["port"] or polls.default_port(src),
                                       protocol=form.cleaned_data["protocol"])
            return redirect("classes:poll_screen", pk=pk, poll=poll.pk)
    return render(request, "classes/polls.html", {
        "classroom": classroom, "tab": "polls", "form": form, "polls": classroom.polls.all()[:20]},
        status=400 if form.errors else 200)


def _grid(src, picked=frozenset()):
    names = polls.pods(src)
    return names, [(a, [(b, f"{a}>{b}", f"{a}>{b}" in picked) for b in names]) for a in names]


@never_cache
@login_required
@require_GET
def screen(request: HtmxHttpRequest, pk: int, poll: int) -> HttpResponse:
    """The projector: the policy, and how many predicted each connection; then the answer."""
    classroom = classroom_for(request, pk, "classes.teach")
    row = get_object_or_404(Poll, pk=poll, classroom=classroom)
    src = polls.source(row.kind, row.slug)
    found = polls.tally(row)
    context = {"classroom": classroom, "poll": row, "src": src, "names": polls.pods(src),
               "tally": found, "rows": polls.tally_rows(src, found), "poll_seconds": POLL_SECONDS}
    if htmx_partial(request):
        return render(request, "classes/poll_screen.html#tally", context)
    return render(request, "classes/poll_screen.html", context)


@login_required
@require_POST
def set_state(request: HtmxHttpRequest, pk: int, poll: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    row = get_object_or_404(Poll, pk=poll, classroom=classroom)
    state = request.POST.get("state", "")
    if state not in Poll.State.values:
        return refuse("A poll is open, closed or revealed.")
    row.state = state
    row.save(update_fields=["state"])
    return redirect("classes:poll_screen", pk=pk, poll=poll)


@never_cache
@login_required
@rate_limited("poll")
def answer(request: HtmxHttpRequest, pk: int, poll: int) -> HttpResponse:
    """The learner's grid: each connection they predict is allowed, ticked."""
    classroom = classroom_for(request, pk, "classes.view")
    row = get_object_or_404(Poll, pk=poll, classroom=classroom)
    src = polls.source(row.kind, row.slug)
    saved = False
    if request.method == "POST":
        classroom_for(request, pk, "classes.learn")
        if row.state != Poll.State.OPEN:
            return refuse("This poll no longer takes answers.")
        chosen = request.POST.getlist("allowed")
        if len(chosen) > len(polls.cells(src)):
            return refuse("More connections than the poll has.")
        polls.answer(row, request.user, chosen)
        saved = True
    mine = PollAnswer.objects.filter(poll=row, user=request.user).first()
    names, grid = _grid(src, frozenset(mine.allowed) if mine else frozenset())
    return render(request, "classes/poll_answer.html", {
        "classroom": classroom, "poll": row, "src": src, "names": names, "grid": grid,
        "saved": saved, "answered": mine is not None,
        "tally": polls.tally(row) if row.state == Poll.State.REVEALED else None})
