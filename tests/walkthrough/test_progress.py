"""Progress: visited, edited, completed; in the session, in the database, and carried over at sign-in."""

import pytest
from django.urls import reverse

from trainer.catalog.stages import catalog
from trainer.walkthrough.models import StageProgress
from trainer.walkthrough.progress import SESSION_KEY

from .conftest import post_form

pytestmark = pytest.mark.django_db


def evaluate(client, n, text):
    return client.post(reverse("walkthrough:evaluate", args=[n]), post_form(text))


def test_anonymous_progress_lives_in_the_session(client):
    stage = catalog().stage(3)
    client.get(reverse("walkthrough:stage", args=[3]))
    assert client.session[SESSION_KEY] == {stage.slug: ["visited"]}
    evaluate(client, 3, stage.yaml)  # the stage's own YAML meets its claims, unedited
    assert client.session[SESSION_KEY][stage.slug] == ["visited", "completed"]
    evaluate(client, 3, stage.yaml + "\n# a note\n")
    assert set(client.session[SESSION_KEY][stage.slug]) == {"visited", "edited", "completed"}
    assert StageProgress.objects.count() == 0


def test_a_broken_policy_does_not_complete_the_stage(client):
    evaluate(client, 2, "kind: [")
    evaluate(client, 2, "")  # no policy: the DB stays open, which is not what stage 2 teaches
    assert client.session[SESSION_KEY][catalog().stage(2).slug] == ["edited"]


def test_signed_in_progress_lives_in_the_database(client, alice):
    client.force_login(alice)
    stage = catalog().stage(6)
    client.get(reverse("walkthrough:stage", args=[6]))
    evaluate(client, 6, stage.yaml.replace("port: 80", "port: 81"))
    row = StageProgress.objects.get(user=alice, stage=stage.slug)
    assert row.events == ["visited", "edited"]
    evaluate(client, 6, stage.yaml)
    row.refresh_from_db()
    assert row.events == ["visited", "edited", "completed"]
    assert SESSION_KEY not in client.session


def test_sign_in_carries_session_progress_over(client, alice):
    stage = catalog().stage(1)
    client.get(reverse("walkthrough:stage", args=[1]))
    evaluate(client, 1, stage.yaml)
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    row = StageProgress.objects.get(user=alice, stage=stage.slug)
    assert row.events == ["visited", "completed"]
    assert SESSION_KEY not in client.session


def test_sign_up_carries_session_progress_over(client, django_user_model):
    client.get(reverse("walkthrough:stage", args=[2]))
    response = client.post(reverse("accounts:signup"), {
        "username": "dora", "email": "dora@example.org",
        "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"})
    assert response.status_code == 302, response.content.decode()[:2000]
    dora = django_user_model.objects.get(username="dora")
    assert StageProgress.objects.get(user=dora).stage == catalog().stage(2).slug


def test_progress_of_one_learner_is_not_anothers(client, alice, charlie):
    client.force_login(alice)
    client.get(reverse("walkthrough:stage", args=[4]))
    client.force_login(charlie)
    html = client.get(reverse("walkthrough:index")).content.decode()
    assert "data-event=\"visited\"" not in html
    assert StageProgress.objects.filter(user=charlie).count() == 0


def test_index_shows_progress_marks(client):
    client.get(reverse("walkthrough:stage", args=[5]))
    html = client.get(reverse("walkthrough:index")).content.decode()
    assert html.count("data-event=\"visited\"") == 1
