"""One place moves an anonymous learner's work onto the account: every app registers there."""

import pytest
from django.urls import reverse

from trainer.accounts import handover
from trainer.lab.models import Submission
from trainer.quizzes.models import Attempt
from trainer.walkthrough.models import StageProgress

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_mover_once():
    assert sorted(handover._registered) == [
        "trainer.drafts.store.carry_over",
        "trainer.lab.progress.carry_over",
        "trainer.quizzes.attempts.claim_anonymous_attempts",
        "trainer.walkthrough.progress.carry_over",
    ]
    handover.register("trainer.lab.progress.carry_over")
    assert handover._registered.count("trainer.lab.progress.carry_over") == 1


def test_signing_up_moves_stage_progress_lab_work_and_quiz_attempts_together(client, settings):
    from trainer.catalog.exercises import all_exercises

    exercise = all_exercises()[0]
    client.post(reverse("walkthrough:evaluate", args=[2]), {"yaml": "", "scenario": "guide"})
    client.post(reverse("lab:grade", args=[exercise.id]), {"answer": exercise.solution})
    assert client.post(reverse("quizzes:start"), {"preset": "practice-10"}).status_code == 302
    response = client.post(reverse("accounts:signup"), {
        "username": "newbie",
        "password1": "a long enough pass phrase", "password2": "a long enough pass phrase"})
    assert response.status_code == 302
    assert Submission.objects.filter(user__username="newbie", exercise=exercise.id, passed=True).exists()
    assert StageProgress.objects.filter(user__username="newbie").exists()
    assert Attempt.objects.filter(user__username="newbie").exists()


def test_signing_in_moves_the_sessions_drafts_onto_the_account(client, alice):
    from trainer.catalog.exercises import all_exercises
    from trainer.drafts.models import Draft
    from trainer.lab.models import LabState

    exercise = all_exercises()[0]
    client.post(reverse("walkthrough:evaluate", args=[3]),
                {"yaml": "# mine at stage 3\n", "scenario": "guide"})
    client.post(reverse("playground:evaluate"), {"cluster": "# my cluster\n", "yaml": "# my policies\n"})
    client.post(reverse("lab:draft", args=[exercise.id]), {"answer": "# my answer\n"})
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    kept = {d.place: (d.text, d.cluster) for d in Draft.objects.filter(user=alice)}
    assert kept == {"stage:allow-api-pod": ("# mine at stage 3\n", ""),
                    "playground": ("# my policies\n", "# my cluster\n")}
    assert LabState.objects.get(user=alice, exercise=exercise.id).draft == "# my answer\n"
    assert "# mine at stage 3" in client.get(reverse("walkthrough:stage", args=[3])).content.decode()
