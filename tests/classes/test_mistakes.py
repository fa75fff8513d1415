"""Misconceptions counted from the latest answers, the drill-down, and broadcasts that reach
the learners' pages."""

from __future__ import annotations

from django.urls import reverse

from trainer.catalog.exercises import get_exercise
from trainer.classes import mistakes
from trainer.classes.models import Broadcast

from .conftest import EXERCISE, enrol, hours_ago, submit

STARTER, SOLUTION = get_exercise(EXERCISE).starter, get_exercise(EXERCISE).solution


def test_only_the_latest_answer_of_each_learner_counts(classroom, exercise_assignment, alice, charlie):
    enrol(classroom, alice)
    enrol(classroom, charlie)
    submit(alice, EXERCISE, STARTER, when=hours_ago(2))
    submit(charlie, EXERCISE, STARTER, when=hours_ago(2))
    submit(charlie, EXERCISE, SOLUTION, when=hours_ago(1))  # fixed it since
    found = mistakes.build(classroom)
    [entry] = found.exercises
    assert (entry.answered, entry.passing) == (2, 1)
    or_for_and = next(m for m in entry.mistakes if m.id == "or_for_and")
    assert [m.user for m in or_for_and.learners] == [alice]
    assert or_for_and.told[0][1].startswith("OR where AND was meant")
    assert ("or_for_and", or_for_and.title, 1) in found.overall


def test_the_drill_down_names_the_learners_for_the_instructor(client, bob, classroom, exercise_assignment,
                                                             alice):
    enrol(classroom, alice)
    submit(alice, EXERCISE, STARTER)
    client.force_login(bob)
    page = client.get(reverse("classes:mistakes", args=[classroom.pk])).content.decode()
    drill = reverse("classes:who", args=[classroom.pk, EXERCISE, "or_for_and"])
    assert drill in page
    text = client.get(drill).content.decode()
    assert "alice" in text and "Project, anonymised" in text
    unknown = reverse("classes:who", args=[classroom.pk, EXERCISE, "no_such_mistake"])
    assert client.get(unknown).status_code == 404


def test_a_broadcast_reaches_every_page_and_a_hint_only_its_exercise(client, bob, classroom,
                                                                   exercise_assignment, alice, charlie):
    enrol(classroom, alice)
    client.force_login(bob)
    url = reverse("classes:broadcast", args=[classroom.pk])
    client.post(url, {"text": "Break in five minutes <b>please</b>", "exercise": ""})
    client.post(url, {"text": "Check your dashes in the from list", "exercise": EXERCISE})
    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert "Break in five minutes &lt;b&gt;please&lt;/b&gt;" in home
    assert "Check your dashes" not in home
    exercise_page = client.get(reverse("lab:exercise", args=[EXERCISE])).content.decode()
    assert "Check your dashes" in exercise_page and "Assigned in" in exercise_page
    client.force_login(charlie)  # not in the class
    assert "Break in five minutes" not in client.get(reverse("home")).content.decode()
    Broadcast.objects.update(active=False)
    client.force_login(alice)
    assert "Break in five minutes" not in client.get(reverse("home")).content.decode()


def test_a_message_too_long_is_refused(client, bob, classroom):
    client.force_login(bob)
    response = client.post(reverse("classes:broadcast", args=[classroom.pk]), {"text": "x" * 501})
    assert response.status_code == 400 and not Broadcast.objects.exists()
