"""One progress page: stages, exercises and quizzes, for an anonymous learner and an account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.quizzes.models import Attempt

HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def test_the_page_gathers_stage_marks_lab_passes_and_quizzes(client):
    stage = catalog().stage(2)
    client.get(reverse("walkthrough:stage", args=[2]))
    edit = {"yaml": stage.yaml + "\n# mine\n", "scenario": ""}
    client.post(reverse("walkthrough:evaluate", args=[2]), edit, **HTMX)
    client.post(reverse("lab:grade", args=["deny-db-ingress"]),
                {"answer": get_exercise("deny-db-ingress").solution}, **HTMX)
    client.post(reverse("quizzes:start"), {"mode": "practice", "preset": "practice-10"})
    page = client.get(reverse("progress:overview")).content.decode()
    assert "Lab: 1 of" in page and "Quizzes: 1 taken" in page
    assert 'data-event="visited"' in page and 'data-event="edited"' in page
    assert "Completed: a YAML of yours reached the stage's goal" in page
    assert reverse("quizzes:resume", args=[Attempt.objects.get().pk]) in page
    assert reverse("lab:progress") in page  # the full history of graded answers


def test_the_site_nav_leads_to_it_and_another_learners_work_is_not_there(client, alice, charlie):
    client.force_login(alice)
    client.post(reverse("lab:grade", args=["deny-db-ingress"]),
                {"answer": get_exercise("deny-db-ingress").solution}, **HTMX)
    home = client.get("/").content.decode()
    assert f'href="{reverse("progress:overview")}">My progress' in home
    assert "Lab: 1 of" in client.get(reverse("progress:overview")).content.decode()
    client.force_login(charlie)
    assert "Lab: 0 of" in client.get(reverse("progress:overview")).content.decode()
