"""Giving up, then pasting the model answer: recorded as a pass after the model answer, not as
the learner's own pass (before, it counted as an ordinary pass)."""

import pytest
from django.test import Client
from django.urls import reverse

from trainer.lab.models import Submission
from trainer.lab.progress import DatabaseStore, SessionStore

from .lab_fixtures import SOLUTION, install

pytestmark = pytest.mark.django_db
SLUG = "lab-db-from-api"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def exercise(tmp_path, settings):
    install(tmp_path, settings)


def learner(alice, signed_in: bool) -> Client:
    client = Client()
    if signed_in:
        client.force_login(alice)
    return client


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_pass_after_giving_up_is_recorded_as_such(alice, signed_in):
    client = learner(alice, signed_in)
    client.post(reverse("lab:give_up", args=[SLUG]), **HTMX)
    graded = client.post(reverse("lab:grade", args=[SLUG]), {"answer": SOLUTION}, **HTMX)
    assert "Passed" in graded.content.decode()  # the grader still says the answer is right
    store = DatabaseStore(alice) if signed_in else SessionStore(client.session)
    [record] = store.attempts(SLUG)
    assert record.passed and record.after_solution
    assert SLUG not in store.passed()
    progress = client.get(reverse("lab:progress")).content.decode()
    assert "Passed after the model answer" in progress and "0 of 1 exercises passed" in progress
    assert '<span class="tag yes">Passed</span>' not in client.get(reverse("lab:index")).content.decode()
    if signed_in:
        assert Submission.objects.get(user=alice).after_solution


def test_a_pass_of_ones_own_is_an_ordinary_pass(alice):
    client = learner(alice, True)
    client.post(reverse("lab:grade", args=[SLUG]), {"answer": SOLUTION}, **HTMX)
    assert not Submission.objects.get(user=alice).after_solution
    assert "1 of 1 exercises passed" in client.get(reverse("lab:progress")).content.decode()


def test_signing_up_keeps_the_mark(django_user_model):
    client = Client()
    client.post(reverse("lab:give_up", args=[SLUG]), **HTMX)
    client.post(reverse("lab:grade", args=[SLUG]), {"answer": SOLUTION}, **HTMX)
    client.post(reverse("accounts:signup"), {"username": "newbie", "email": "n@example.org",
                                             "password1": "a-long-password-42",
                                             "password2": "a-long-password-42"})
    assert Submission.objects.get(user__username="newbie").after_solution
