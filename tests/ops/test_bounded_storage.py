"""Storage per learner is bounded: the anonymous session, attempts per exercise, quiz history,
the progress page; and the scheduled clean-up removes what nobody can reach any more.

Before: an anonymous session grew to 3 MB in 6 s (every page then 4x slower), and 400 graded
attempts made /lab/progress/ 25 MB of HTML.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.lab.lab_fixtures import SOLUTION, STARTER, install
from trainer.lab.models import Submission
from trainer.lab.progress import DatabaseStore
from trainer.quizzes import attempts
from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt as QuizAttempt
from trainer.sharing.models import Snapshot

pytestmark = pytest.mark.django_db
SLUG = "lab-db-from-api"
HTMX = {"HTTP_HX_REQUEST": "true"}
PADDING = "# " + "x" * 60_000 + "\n"  # a 60 KB answer: within the editor's 64 KiB


@pytest.fixture
def exercise(tmp_path, settings):
    """The lab's test exercise alone. Not for the quiz tests: the quiz bank is read once per
    process, from whatever LESSONS_DIR says then."""
    install(tmp_path, settings)


def grade(client, answer):
    response = client.post(reverse("lab:grade", args=[SLUG]), {"answer": answer}, **HTMX)
    assert response.status_code == 200
    return response


def test_an_anonymous_learners_lab_work_stays_within_its_budget(exercise, settings):
    client = Client()
    grade(client, SOLUTION)  # a pass first: it must survive the trimming
    for n in range(40):
        grade(client, PADDING + STARTER + f"# {n}\n")
    kept = client.session["lab"]
    assert len(json.dumps(kept, separators=(",", ":"))) <= settings.ANONYMOUS_LAB_BYTES
    assert any(a["passed"] for a in kept["attempts"])
    assert '<span class="tag yes">Passed</span>' in client.get(reverse("lab:index")).content.decode()
    assert kept["labs"][SLUG]["draft"].endswith("# 39\n")  # the work in hand is never what goes


def test_other_exercises_lose_their_transcripts_before_the_current_draft(settings):
    from trainer.lab.progress import _fit

    big = {"transcript": [["kubectl get pods", "o" * 3000]] * 30, "draft": "d" * 60_000}
    data = {"labs": {"old": dict(big), "older": dict(big), "current": dict(big)}, "attempts": []}
    fitted = _fit(data, 192 * 1024)
    assert len(json.dumps(fitted, separators=(",", ":"))) <= 192 * 1024
    assert fitted["labs"]["current"] == big
    assert fitted["labs"]["old"]["transcript"] == [] and fitted["labs"]["older"]["transcript"] == []


def test_a_signed_in_learner_keeps_the_newest_attempts_and_the_first_pass(exercise, alice, settings):
    settings.LAB_ATTEMPTS_KEPT = 5
    client = Client()
    client.force_login(alice)
    grade(client, SOLUTION)
    first_pass = Submission.objects.get(user=alice)
    for n in range(12):
        grade(client, STARTER + f"# {n}\n")
    kept = Submission.objects.filter(user=alice)
    assert kept.count() == 6 and first_pass in kept
    assert SLUG in DatabaseStore(alice).passed()


def test_the_progress_page_is_paginated(exercise, alice):
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(user=alice, exercise=SLUG, answer=PADDING, created_at=now - timedelta(minutes=n),
                   passed=False, score=10) for n in range(400))
    client = Client()
    client.force_login(alice)
    first = client.get(reverse("lab:progress"))
    text = first.content.decode()
    assert first.status_code == 200 and len(first.content) < 300_000
    assert text.count("<time ") == 25 and "page 1 of 16" in text and 'href="?page=2"' in text
    last = client.get(reverse("lab:progress") + "?page=16").content.decode()
    assert last.count("<time ") == 400 - 15 * 25
    for odd in ("999", "abc", "-1"):
        assert client.get(reverse("lab:progress") + f"?page={odd}").status_code == 200


def test_a_learners_quiz_history_is_bounded(alice, monkeypatch):
    monkeypatch.setattr(attempts, "ATTEMPTS_KEPT", 3)
    preset = Preset("p", "Practice", "practice", 2)
    for _ in range(5):
        attempts.finish(attempts.start({"user": alice}, preset))
    unfinished = attempts.start({"user": alice}, preset)
    assert QuizAttempt.objects.filter(user=alice).count() == 3
    assert QuizAttempt.objects.filter(pk=unfinished.pk).exists()


def test_the_clean_up_removes_expired_sessions_and_abandoned_anonymous_attempts(alice, settings):
    settings.LAB_ATTEMPTS_KEPT = 4
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + timedelta(days=1))
    preset = Preset("p", "Practice", "practice", 2)
    old = attempts.start({"user": None, "owner_token": "gone"}, preset, now=now - timedelta(days=30))
    recent = attempts.start({"user": None, "owner_token": "here"}, preset)
    mine = attempts.start({"user": alice}, preset, now=now - timedelta(days=30))
    Submission.objects.bulk_create(Submission(user=alice, exercise=SLUG, answer="a", created_at=now,
                                              passed=False, score=0) for _ in range(10))
    settings.SHARE_LINK_DAYS = 30
    Snapshot.objects.create(code="oldshare", kind="playground", created_at=now - timedelta(days=31))
    Snapshot.objects.create(code="newshare", kind="playground", created_at=now - timedelta(days=29))
    from io import StringIO

    out = StringIO()
    call_command("cleanup", stdout=out)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert not QuizAttempt.objects.filter(pk=old.pk).exists()
    assert QuizAttempt.objects.filter(pk__in=[recent.pk, mine.pk]).count() == 2
    assert Submission.objects.filter(user=alice).count() == 4
    assert "abandoned anonymous quiz attempts deleted: 1" in out.getvalue()
    assert list(Snapshot.objects.values_list("code", flat=True)) == ["newshare"]
    assert "share links older than 30 days deleted: 1" in out.getvalue()
