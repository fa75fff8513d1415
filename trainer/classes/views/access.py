"""Finding the class a URL names, for someone allowed there; everyone else gets a 404, so a
class's pages do not even confirm that it exists."""

from __future__ import annotations

import rules
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Assignment, Classroom, Membership
from ..permissions import membership


def classroom_for(request: HttpRequest, pk: int, rule: str) -> Classroom:
    classroom = get_object_or_404(Classroom, pk=pk)
    if not rules.test_rule(rule, request.user, classroom):
        raise Http404("No such class.")
    return classroom


def my_membership(request: HttpRequest, classroom: Classroom) -> Membership | None:
    return membership(request.user, classroom)


def learner_in(classroom: Classroom, pk: int) -> Membership:
    """A learner of the class, by membership id (active or not: their records stay readable)."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, classroom=classroom,
                             role=Membership.Role.LEARNER)


def assignment_in(classroom: Classroom, pk: int) -> Assignment:
    return get_object_or_404(Assignment, pk=pk, classroom=classroom)
