"""A class exam opened and closed for everyone at once, extra time for one learner, and the
record of each action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from trainer.classes import quizzes
from trainer.classes.models import Assignment, AuditEvent
from trainer.quizzes.models import Attempt

from .conftest import enrol


@pytest.fixture
def exam(classroom):
    return Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="exam", title="Unit exam",
                                     questions=3, minutes=20, topics=[])


def test_an_exam_starts_only_once_opened_and_ends_at_the_class_closing_time(exam, alice, bob, classroom):
    member = enrol(classroom, alice)
    with pytest.raises(quizzes.CannotStart, match="not opened"):
        quizzes.start(exam, member)
    quizzes.open_exam(exam, bob)
    attempt = quizzes.start(exam, member)
    assert attempt.deadline == exam.exam_closes_at and attempt.tag == exam.tag
    assert quizzes.start(exam, member) == attempt  # resumed, not a second one


def test_extra_time_moves_one_learners_deadline_even_while_they_write(exam, alice, charlie, bob, classroom):
    alice_row, charlie_row = enrol(classroom, alice), enrol(classroom, charlie)
    quizzes.open_exam(exam, bob)
    mine = quizzes.start(exam, alice_row)
    quizzes.give_extra_time(exam, bob, alice, 15)
    mine.refresh_from_db()
    assert mine.deadline == exam.exam_closes_at + timedelta(minutes=15)
    assert quizzes.start(exam, charlie_row).deadline == exam.exam_closes_at
    event = AuditEvent.objects.get(action="gave extra time")
    assert (event.actor, event.learner, event.detail) == (bob, alice, "Unit exam: 15 min")


def test_closing_finishes_every_open_attempt_at_once_and_records_it(client, exam, alice, charlie, bob,
                                                                    classroom):
    rows = [enrol(classroom, u) for u in (alice, charlie)]
    client.force_login(bob)
    client.post(reverse("classes:open_exam", args=[classroom.pk, exam.pk]))
    exam.refresh_from_db()
    assert exam.exam_running()
    started = [quizzes.start(exam, r) for r in rows]
    client.post(reverse("classes:close_exam", args=[classroom.pk, exam.pk]))
    assert all(a.finished and a.timed_out for a in Attempt.objects.filter(pk__in=[a.pk for a in started]))
    exam.refresh_from_db()
    with pytest.raises(quizzes.CannotStart, match="closed"):
        quizzes.start(exam, enrol(classroom, bob.__class__.objects.create_user("late")))
    actions = list(AuditEvent.objects.filter(classroom=classroom).values_list("action", flat=True))
    assert actions[:2] == ["closed an exam", "opened an exam"]
    page = client.get(reverse("classes:exam", args=[classroom.pk, exam.pk])).content.decode()
    assert "bob opened an exam" in page and "bob closed an exam" in page


def test_a_learner_starts_a_class_quiz_from_the_class_page(client, alice, classroom):
    practice = Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="practice",
                                         title="Warm-up", questions=2,
                                         opens_at=timezone.now() + timedelta(days=1))
    enrol(classroom, alice)
    client.force_login(alice)
    url = reverse("classes:start_quiz", args=[classroom.pk, practice.pk])
    client.post(url)
    assert not Attempt.objects.exists()  # not open yet
    practice.opens_at = None
    practice.save()
    response = client.post(url)
    attempt = Attempt.objects.get(user=alice)
    assert response.url == reverse("quizzes:resume", args=[attempt.pk]) and attempt.tag == practice.tag
