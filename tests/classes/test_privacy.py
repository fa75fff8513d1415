"""Every class URL answers 404 to anyone outside the class (and a learner of it gets only the
learner's pages); the projector and the poll screen never show a learner's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trainer.catalog.exercises import get_exercise
from trainer.classes import roster
from trainer.classes.models import Assignment, Poll
from trainer.classes.urls import urlpatterns

from .conftest import EXERCISE, enrol, submit

LEARNER_PAGES = {"detail", "leave", "poll", "start_quiz"}  # a learner of the class may open these
OPEN_PAGES = {"index", "create", "join", "join_code"}  # not about one class


@pytest.fixture
def world(bob, alice, django_user_model, classroom, exercise_assignment):
    """bob's class with alice in it; dana teaches another class, erin learns in it."""
    dana = django_user_model.objects.create_user("dana", role="instructor")
    erin = django_user_model.objects.create_user("erin")
    other = roster.create(dana, "Other class")
    enrol(other, erin)
    member = enrol(classroom, alice)
    submit(alice, EXERCISE, get_exercise(EXERCISE).starter)
    quiz = Assignment.objects.create(classroom=classroom, kind="quiz", quiz_mode="exam", title="Exam",
                                     questions=3, minutes=10, position=2)
    poll = Poll.objects.create(classroom=classroom, kind="exercise", slug=EXERCISE, port=5432)
    args = {"pk": classroom.pk, "member": member.pk, "assignment": exercise_assignment.pk, "poll": poll.pk,
            "exercise": EXERCISE, "mistake": "or_for_and", "message": 1, "code": classroom.join_code}
    urls = []
    for pattern in urlpatterns:
        if pattern.name in OPEN_PAGES:
            continue
        names = pattern.pattern.converters.keys()
        kwargs = {n: args[n] for n in names}
        if pattern.name in {"exam", "open_exam", "close_exam", "extra_time", "start_quiz"}:
            kwargs["assignment"] = quiz.pk
        urls.append((pattern.name, reverse(f"classes:{pattern.name}", kwargs=kwargs)))
    return {"dana": dana, "erin": erin, "urls": urls}


def test_the_url_list_covers_every_page_of_a_class(world):
    names = {name for name, _ in world["urls"]}
    assert {"dashboard", "work", "projector", "mistakes", "who", "gradebook", "gradebook_csv", "items",
            "poll_screen", "exam", "people", "join_screen"} <= names


@pytest.mark.parametrize("who", ["dana", "erin"])
def test_anyone_outside_the_class_gets_404_on_every_class_url(client, world, who):
    client.force_login(world[who])
    for name, url in world["urls"]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), (who, name, method.__name__, response.status_code)


def test_a_learner_of_the_class_gets_404_on_every_instructor_page(client, world, alice):
    client.force_login(alice)
    for name, url in world["urls"]:
        if name in LEARNER_PAGES:
            continue
        for method in (client.get, client.post):
            assert method(url).status_code in (404, 405), (name, method.__name__)


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for _, url in world["urls"]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_projector_never_shows_the_learners_name(client, world, bob, alice, classroom,
                                                     exercise_assignment):
    client.force_login(bob)
    member = classroom.memberships.get(user=alice)
    page = client.get(reverse("classes:projector", args=[classroom.pk, member.pk, exercise_assignment.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Spot the bug" in text and "OR where AND was meant" in text
    assert "alice" not in text.lower()


def test_the_poll_screen_shows_counts_never_names(client, world, bob, alice, classroom):
    poll = classroom.polls.get()
    client.force_login(alice)
    page = client.get(reverse("classes:poll", args=[classroom.pk, poll.pk])).content.decode()
    cell = "data/migrations&gt;data/postgres"
    assert cell in page
    answer = {"allowed": [cell.replace("&gt;", ">")]}
    client.post(reverse("classes:poll", args=[classroom.pk, poll.pk]), answer)
    client.force_login(bob)
    for state in ("open", "revealed"):
        poll.state = state
        poll.save()
        text = client.get(reverse("classes:poll_screen", args=[classroom.pk, poll.pk])).content.decode()
        assert "1 answer" in text and "alice" not in text.lower()


def test_a_learner_sees_only_their_own_status_on_the_class_page(client, world, alice, charlie, classroom):
    enrol(classroom, charlie)
    submit(charlie, EXERCISE, get_exercise(EXERCISE).solution)
    client.force_login(alice)
    text = client.get(reverse("classes:detail", args=[classroom.pk])).content.decode()
    assert text.count('class="status ') == 2  # one row: hers, on the exercise and the exam
    assert 'status working">working' in text and 'status passed"' not in text  # charlie passed; she did not
    assert "charlie" not in text
