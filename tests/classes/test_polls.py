"""Predict the matrix: learners' answers tallied per cell, then the engine's answer and the
explanation of the most-missed connection."""

from __future__ import annotations

from django.urls import reverse

from trainer.catalog.stages import catalog
from trainer.classes import polls
from trainer.classes.models import Poll, PollAnswer
from trainer.netpol.evaluation import Analyzer

from .conftest import EXERCISE, enrol


def make_poll(classroom, kind="exercise", slug=EXERCISE):
    src = polls.source(kind, slug)
    return Poll.objects.create(classroom=classroom, kind=kind, slug=slug, port=polls.default_port(src)), src


def test_the_instructor_starts_a_poll_on_a_stage_at_its_headline_port(client, bob, classroom):
    stage = catalog().stages[2]
    client.force_login(bob)
    response = client.post(reverse("classes:polls", args=[classroom.pk]),
                           {"item": f"stage:{stage.slug}", "protocol": "TCP"})
    poll = Poll.objects.get()
    assert response.url == reverse("classes:poll_screen", args=[classroom.pk, poll.pk])
    assert (poll.kind, poll.slug, poll.port) == ("stage", stage.slug, 3306)


def test_answers_are_tallied_and_the_reveal_is_the_engines_answer(classroom, alice, charlie):
    poll, src = make_poll(classroom)
    cells = polls.cells(src)
    truth = Analyzer(src.applied())
    allowed = [c for c in cells if truth.allowed(*c.split(">"), poll.port)]
    denied = [c for c in cells if c not in allowed]
    assert allowed and denied
    polls.answer(poll, alice, allowed)  # right everywhere
    polls.answer(poll, charlie, allowed + denied[:1] + ["not>a-cell"])  # one wrong, one ignored
    found = polls.tally(poll)
    assert found.answers == 2 and found.truth is None
    assert found.predicted[allowed[0]] == 2 and found.predicted[denied[0]] == 1
    assert PollAnswer.objects.get(user=charlie).allowed == sorted(allowed + denied[:1])
    poll.state = Poll.State.REVEALED
    found = polls.tally(poll)
    assert found.truth == {c: c in allowed for c in cells}
    assert found.most_missed == denied[0] and found.missed_by == 1
    src_key, dst_key = denied[0].split(">")
    assert found.explanation.startswith(f"{src_key} -> {dst_key} on TCP {poll.port}: denied")


def test_a_learner_answers_only_while_the_poll_is_open(client, alice, classroom):
    enrol(classroom, alice)
    poll, src = make_poll(classroom)
    url = reverse("classes:poll", args=[classroom.pk, poll.pk])
    client.force_login(alice)
    cell = polls.cells(src)[0]
    page = client.post(url, {"allowed": [cell]}).content.decode()
    assert "Saved." in page and "checked" in page
    poll.state = Poll.State.CLOSED
    poll.save()
    assert client.post(url, {"allowed": []}).status_code == 400
    assert PollAnswer.objects.get(user=alice).allowed == [cell]


def test_the_poll_screen_refreshes_its_tally_until_revealed(client, bob, classroom):
    poll, _ = make_poll(classroom)
    client.force_login(bob)
    url = reverse("classes:poll_screen", args=[classroom.pk, poll.pk])
    tally = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert tally.strip().startswith('<section id="tally"') and "hx-trigger" in tally
    client.post(reverse("classes:poll_state", args=[classroom.pk, poll.pk]), {"state": "revealed"})
    assert "hx-trigger" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert client.post(reverse("classes:poll_state", args=[classroom.pk, poll.pk]),
                       {"state": "bogus"}).status_code == 400
