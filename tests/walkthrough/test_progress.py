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


# --- the stage navigation follows progress live --------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def evaluate_htmx(client, n, text):
    return client.post(reverse("walkthrough:evaluate", args=[n]), post_form(text), **HTMX).content.decode()


def nav_link(html, n):
    """The stage navigation's link to stage n, as the fragment's out-of-band nav has it."""
    nav = html[html.index('id="stage-nav"'):]
    start = nav.index(f'href="{reverse("walkthrough:stage", args=[n])}"')
    return nav[start:nav.index("</a>", start)]


@pytest.mark.parametrize("signed_in", [False, True])
def test_completing_a_stage_swaps_the_navigation_in_out_of_band(client, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    stage = catalog().stage(3)
    client.get(reverse("walkthrough:stage", args=[3]))
    html = evaluate_htmx(client, 3, stage.yaml)
    assert '<nav class="stage-nav" id="stage-nav" aria-label="Stages" hx-swap-oob="true">' in html
    assert 'class="completed"' in nav_link(html, 3) and "(completed)" in nav_link(html, 3)
    assert "completed" not in nav_link(html, 2)
    assert "Stage 3 completed." in html  # and the status line says so


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_evaluation_that_changes_no_progress_sends_no_navigation(client, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    stage = catalog().stage(3)
    evaluate_htmx(client, 3, stage.yaml)
    html = evaluate_htmx(client, 3, stage.yaml)
    assert 'id="stage-nav"' not in html and "completed." not in html
    assert 'id="result"' in html


def test_the_first_edit_marks_the_stage_edited_once(client):
    html = evaluate_htmx(client, 2, "")  # no policy: edited, but not what stage 2 asks for
    assert "(edited)" in nav_link(html, 2) and "completed" not in nav_link(html, 2)
    assert 'id="stage-nav"' not in evaluate_htmx(client, 2, "# still nothing\n")


def test_a_repeated_signed_in_evaluation_stays_cheap(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    stage = catalog().stage(3)
    evaluate_htmx(client, 3, stage.yaml)
    # Session, user, the progress row and its no-op UPDATE; no listing of every stage's progress.
    with django_assert_max_num_queries(4):
        evaluate_htmx(client, 3, stage.yaml)
