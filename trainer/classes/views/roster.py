"""My classes, creating and joining one, its people and its join code."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest

from .. import board, codes, roster
from ..forms import ClassForm, CodeForm, InstructorForm, JoinForm
from ..models import Broadcast, Classroom, Membership, Poll
from .access import classroom_for, learner_in, my_membership


@login_required
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    mine = (Membership.objects.filter(user=request.user, state=Membership.State.ACTIVE)
            .select_related("classroom").order_by("classroom__archived_at", "-classroom__created_at"))
    teaching = [m.classroom for m in mine if m.role == Membership.Role.INSTRUCTOR]
    counts = dict(Membership.objects.filter(classroom__in=teaching, role=Membership.Role.LEARNER,
                                            state=Membership.State.ACTIVE)
                  .values_list("classroom").annotate(n=Count("id")))
    return render(request, "classes/index.html", {
        "teaching": [(c, counts.get(c.pk, 0)) for c in teaching],
        "learning": [m.classroom for m in mine if m.role == Membership.Role.LEARNER],
        "can_create": rules.test_rule("classes.create", request.user),
        "class_form": ClassForm(), "join_form": JoinForm(),
    })


@login_required
@require_POST
def create(request: HtmxHttpRequest) -> HttpResponse:
    if not rules.test_rule("classes.create", request.user):
        raise Http404("Only instructors create classes.")
    form = ClassForm(request.POST)
    if not form.is_valid():
        return refuse("A class needs a name of at most 80 characters.")
    if Membership.objects.filter(user=request.user, role=Membership.Role.INSTRUCTOR,
                                 classroom__archived_at=None).count() >= roster.MAX_CLASSES_PER_INSTRUCTOR:
        return refuse("You teach as many open classes as the site allows: archive one first.")
    classroom = roster.create(request.user, form.cleaned_data["name"])
    return redirect("classes:people", pk=classroom.pk)


@login_required
@rate_limited("join")
def join(request: HtmxHttpRequest, code: str = "") -> HttpResponse:
    """GET shows the class a code (or link) names and asks to confirm; POST joins."""
    if request.method != "POST":
        found = roster.find(code) if code else None
        form = JoinForm(initial={"code": codes.shown(found.join_code)} if found else None)
        return render(request, "classes/join.html", {"form": form, "found": found, "asked": bool(code)})
    form = JoinForm(request.POST)
    if form.is_valid():
        classroom = roster.find(form.cleaned_data["code"])
        if classroom is None:
            form.add_error("code", "No class has this code: check it with your instructor.")
        else:
            try:
                roster.join(classroom, request.user)
            except roster.JoinRefused as refused:
                form.add_error("code", str(refused))
            else:
                messages.success(request, f"You joined {classroom.name}.")
                return redirect("classes:detail", pk=classroom.pk)
    return render(request, "classes/join.html", {"form": form, "found": None}, status=400)


@login_required
@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """An instructor's class goes to its dashboard; a learner sees assignments and their status."""
    classroom = classroom_for(request, pk, "classes.view")
    row = my_membership(request, classroom)
    if row.teaches:
        return redirect("classes:dashboard", pk=pk)
    built = board.build(classroom, only=row)
    cells = list(zip(built.assignments, built.rows[0].cells, strict=True)) if built.rows else []
    return render(request, "classes/learner.html", {
        "classroom": classroom, "cells": cells,
        "broadcasts": Broadcast.objects.filter(classroom=classroom, active=True)[:5],
        "polls": Poll.objects.filter(classroom=classroom).exclude(state=Poll.State.CLOSED)[:3],
    })


@login_required
@require_POST
def leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.view")
    row = my_membership(request, classroom)
    if not row.learns:
        return refuse("Instructors do not leave a class: archive it instead.")
    roster.leave(row)
    messages.info(request, f"You left {classroom.name}. Your own work stays yours.")
    return redirect("classes:index")


@login_required
@require_GET
def people(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    return render(request, "classes/people.html", _people_context(request, classroom))


def _people_context(request, classroom: Classroom, **forms) -> dict:
    rows = classroom.memberships.select_related("user").order_by("role", "state", "user__username")
    link = request.build_absolute_uri(reverse("classes:join_code", args=[classroom.join_code]))
    return {
        "classroom": classroom, "tab": "people",
        "instructors": [m for m in rows if m.role == Membership.Role.INSTRUCTOR and m.active],
        "learners": [m for m in rows if m.role == Membership.Role.LEARNER],
        "code": codes.shown(classroom.join_code), "link": link,
        "code_form": forms.get("code_form") or CodeForm(),
        "instructor_form": forms.get("instructor_form") or InstructorForm(),
        "counts": classroom.memberships.aggregate(
            active=Count("id", filter=Q(role=Membership.Role.LEARNER, state=Membership.State.ACTIVE))),
    }


@login_required
@require_GET
def join_screen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The code, large, and its link as a QR code: for the projector."""
    classroom = classroom_for(request, pk, "classes.manage")
    link = request.build_absolute_uri(reverse("classes:join_code", args=[classroom.join_code]))
    return render(request, "classes/join_screen.html", {
        "classroom": classroom, "code": codes.shown(classroom.join_code), "link": link,
        "qr": codes.qr_svg(link)})


@login_required
@require_POST
def rotate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "classes/people.html", _people_context(request, classroom, code_form=form),
                      status=400)
    roster.rotate_code(classroom, request.user, form.cleaned_data.get("expires_at"))
    messages.success(request, "A new join code: the old one and its links no longer admit anyone.")
    return redirect("classes:people", pk=pk)


@login_required
@require_POST
def add_instructor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    form = InstructorForm(request.POST)
    if not form.is_valid():
        return render(request, "classes/people.html",
                      _people_context(request, classroom, instructor_form=form), status=400)
    roster.add_instructor(classroom, request.user, form.cleaned_data["username"])
    return redirect("classes:people", pk=pk)


@login_required
@require_POST
def remove(request: HtmxHttpRequest, pk: int, member: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    roster.remove(learner_in(classroom, member), request.user)
    return redirect("classes:people", pk=pk)


@login_required
@require_POST
def readmit(request: HtmxHttpRequest, pk: int, member: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    row = learner_in(classroom, member)
    if row.state != Membership.State.REMOVED:
        return refuse("Only a removed learner is let back in.")
    roster.readmit(row, request.user)
    return redirect("classes:people", pk=pk)


@login_required
@require_POST
def archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.manage")
    roster.archive(classroom, request.user)
    messages.info(request, f"{classroom.name} is archived: its results stay readable, nothing changes.")
    return redirect("classes:index")
