"""The lab shows the same reachability panel as the walkthrough, as the learner types:
on by default where an exercise practises a stage, hidden at first in exam-style ones."""

import pytest
from django.urls import reverse

from trainer.catalog.exercises import all_exercises, get_exercise

from .lab_fixtures import SOLUTION, STARTER, install

pytestmark = pytest.mark.django_db
SLUG = "lab-db-from-api"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def exercise(tmp_path, settings):
    install(tmp_path, settings)
    return get_exercise(SLUG)


def url(name, slug=SLUG):
    return reverse(f"lab:{name}", args=[slug])


def test_a_stage_exercise_shows_the_panel_from_the_start(client, exercise):
    html = client.get(url("exercise")).content.decode()
    assert exercise.stage == 3
    assert '<section id="result" class="panel"' in html and 'class="matrix"' in html
    assert f'hx-post="{url("evaluate")}"' in html
    assert 'hx-trigger="input changed delay:150ms from:#yaml"' in html
    assert "Hide reachability" in html


def test_an_exam_style_exercise_hides_it_until_asked(client):
    exam = next(e for e in all_exercises() if e.stage is None)
    html = client.get(url("exercise", exam.id)).content.decode()
    assert '<section id="result" class="panel"' not in html and "Show reachability as I type" in html
    shown = client.post(url("panel", exam.id), {"show": "1", "answer": exam.starter}, **HTMX)
    assert shown["HX-Retarget"] == "#live-panel" and '<section id="result" class="panel"' in (
        shown.content.decode())
    assert '<section id="result" class="panel"' in client.get(url("exercise", exam.id)).content.decode()


def test_an_edit_gets_the_panel_with_what_changed_since_the_starter(client, exercise):
    client.get(url("exercise"))
    fragment = client.post(url("evaluate"), {"answer": SOLUTION}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="result" class="panel"')
    assert "opened</span> prod/api-pod → prod/db TCP 3306" in fragment  # the starter let nothing in
    again = client.post(url("evaluate"), {"answer": SOLUTION + "# a comment\n"}, **HTMX).content.decode()
    assert "No connection changed since your previous evaluation." in again


def test_yaml_problems_show_in_the_panel_with_their_lines(client, exercise):
    answer = STARTER.replace("Ingress", "Ingres")
    fragment = client.post(url("evaluate"), {"answer": answer}, **HTMX).content.decode()
    assert "Your YAML has 1 problem" in fragment and '<span class="line-ref">Line ' in fragment


def test_a_cell_is_explained_in_place(client, exercise):
    response = client.post(url("explain"), {"answer": SOLUTION, "cell": "prod/api-pod>prod/db>3306/TCP"},
                           **HTMX)
    assert response["HX-Retarget"] == "#explanation"
    assert "allowed by ingress rule 1 of prod/db-policy" in response.content.decode()


def test_without_javascript_the_panel_buttons_post_the_whole_page(client, exercise):
    page = client.post(url("evaluate"), {"answer": SOLUTION}).content.decode()
    assert page.startswith("<!doctype html>") and 'class="matrix"' in page
    hidden = client.post(url("panel"), {"show": "0", "answer": SOLUTION})
    assert hidden.status_code == 302
    assert "Show reachability as I type" in client.get(url("exercise")).content.decode()


def test_malformed_panel_requests_are_400(client, exercise):
    assert client.post(url("evaluate"), {}, **HTMX).status_code == 400
    assert client.post(url("explain"), {"answer": "", "cell": "nonsense"}, **HTMX).status_code == 400


def test_an_allowed_port_nothing_listens_on_is_said_in_the_lab_too(client, exercise):
    # The solution lets prod/api-pod in on TCP 3306 only; prod/api-pod itself is open on every port.
    response = client.post(url("explain"), {"answer": SOLUTION, "cell": "prod/db>prod/api-pod>3306/TCP"},
                           **HTMX)
    assert ("Allowed by the policies, but nothing listens on TCP 3306 in prod/api-pod "
            "(it declares TCP 8080 only).") in response.content.decode()
