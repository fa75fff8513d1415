"""Nothing typed is lost: the latest text of each stage and exercise comes back, per learner."""

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.exercises import all_exercises
from trainer.catalog.stages import catalog
from trainer.drafts import store
from trainer.drafts.models import Draft
from trainer.lab.models import LabState
from trainer.limits import limits

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def stage_url(name, n=3):
    return reverse(f"walkthrough:{name}", args=[n])


def edited_stage3():
    return catalog().stage(3).yaml.replace("port: 3306", "port: 3307")


def evaluate(client, text, n=3, **extra):
    return client.post(stage_url("evaluate", n), {"yaml": text, "scenario": "guide"}, **HTMX, **extra)


def test_an_anonymous_stage_edit_is_back_after_visiting_the_next_stage(client):
    client.get(stage_url("stage"))
    assert evaluate(client, edited_stage3()).status_code == 200
    client.get(stage_url("stage", 4))
    html = client.get(stage_url("stage")).content.decode()
    assert "port: 3307" in html and "This is your draft" in html
    # other stages keep their own text
    assert "port: 3307" not in client.get(stage_url("stage", 4)).content.decode()


def test_a_signed_in_learners_stage_draft_is_one_row_and_follows_them_to_another_browser(alice):
    first, second = Client(), Client()
    for c in (first, second):
        c.force_login(alice)
    evaluate(first, edited_stage3())
    evaluate(first, edited_stage3() + "# more\n")
    assert Draft.objects.filter(user=alice).count() == 1
    assert "# more" in second.get(stage_url("stage")).content.decode()


def test_the_stages_own_yaml_again_keeps_no_draft(client, alice):
    client.force_login(alice)
    evaluate(client, edited_stage3())
    evaluate(client, catalog().stage(3).yaml)
    assert not Draft.objects.filter(user=alice).exists()


def test_another_learner_never_sees_the_draft(client, alice, charlie):
    client.force_login(alice)
    evaluate(client, edited_stage3())
    other = Client()
    other.force_login(charlie)
    assert "port: 3307" not in other.get(stage_url("stage")).content.decode()
    assert "port: 3307" not in Client().get(stage_url("stage")).content.decode()


def test_reset_is_a_post_that_brings_back_the_stages_yaml(client):
    evaluate(client, edited_stage3())
    assert client.get(stage_url("reset")).status_code == 405
    response = client.post(stage_url("reset"), {"scenario": "split"})
    assert response.status_code == 302 and response["Location"] == stage_url("stage") + "?scenario=split"
    html = client.get(stage_url("stage")).content.decode()
    assert "port: 3307" not in html and "This is your draft" not in html
    assert 'form="reset-form"' in html and 'id="reset-form" method="post"' in html


def test_a_draft_over_the_web_limit_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    too_long = "#" * (limits().web.max_bytes + 1)
    html = evaluate(client, too_long).content.decode()
    assert "Not kept as your draft" in html and 'id="draft-note"' in html
    assert not Draft.objects.exists()


def test_the_session_keeps_drafts_within_its_budget_dropping_the_oldest(client, settings):
    settings.ANONYMOUS_DRAFT_BYTES = 3000
    for n in (1, 2, 3):
        evaluate(client, f"# stage {n}\n" + "x" * 1200 + "\n", n=n)
    kept = client.session[store.SESSION_KEY]
    assert list(kept) == ["stage:" + catalog().stage(2).slug, "stage:" + catalog().stage(3).slug]


def test_a_draft_larger_than_the_whole_session_budget_is_refused_with_a_message(client, settings):
    settings.ANONYMOUS_DRAFT_BYTES = 1000
    evaluate(client, "# small\n", n=2)
    html = evaluate(client, "#" * 2000).content.decode()
    assert "more than a session keeps without an account" in html
    assert list(client.session[store.SESSION_KEY]) == ["stage:" + catalog().stage(2).slug]


def test_a_new_text_costs_one_update_as_the_learner_types(alice, django_assert_num_queries):
    class Request:
        user = alice
        session = {}

    store.save(Request, "stage:x", "a")
    with django_assert_num_queries(1):  # the UPDATE, no read first
        store.save(Request, "stage:x", "b")
    assert Draft.objects.get(user=alice).text == "b"


# --- the lab ------------------------------------------------------------------------


@pytest.fixture
def exercise():
    return all_exercises()[0]


def test_lab_text_that_was_not_graded_is_back_on_reload(client, exercise):
    url = reverse("lab:draft", args=[exercise.id])
    assert client.post(url, {"answer": "# half an answer\n"}, **HTMX).status_code == 200
    html = client.get(reverse("lab:exercise", args=[exercise.id])).content.decode()
    assert "# half an answer" in html and "This is your draft" in html


def test_the_lab_panel_keeps_the_draft_of_a_signed_in_learner(client, alice, exercise):
    client.force_login(alice)
    client.post(reverse("lab:evaluate", args=[exercise.id]), {"answer": "# typed\n"}, **HTMX)
    assert LabState.objects.get(user=alice, exercise=exercise.id).draft == "# typed\n"
    client.post(reverse("lab:reset", args=[exercise.id]))
    html = client.get(reverse("lab:exercise", args=[exercise.id])).content.decode()
    assert "# typed" not in html and "Reset to the starter" in html


def test_a_lab_draft_over_the_limit_is_refused_with_a_message(client, exercise):
    too_long = "#" * (limits().web.max_bytes + 1)
    response = client.post(reverse("lab:draft", args=[exercise.id]), {"answer": too_long}, **HTMX)
    html = response.content.decode()
    assert "Not kept as your draft" in html
    assert too_long not in client.get(reverse("lab:exercise", args=[exercise.id])).content.decode()


def test_the_draft_and_reset_posts_need_the_csrf_token(csrf_client, exercise):
    assert csrf_client.post(reverse("lab:draft", args=[exercise.id]), {"answer": "x"}).status_code == 403
    assert csrf_client.post(reverse("lab:reset", args=[exercise.id])).status_code == 403
    assert csrf_client.post(stage_url("reset")).status_code == 403
