"""The site's own 400, 403, 429 and 503 pages: its look and links, rendered without the
request's context so that they cannot fail in turn (the 503 comes when the database is away)."""

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("template, words", [
    ("400.html", "could not be read"), ("403.html", "Not allowed"), ("429.html", "Slow down"),
    ("503.html", "Back in a moment"),
])
def test_each_page_renders_with_an_empty_context_and_the_sites_navigation(template, words,
                                                                           django_assert_num_queries):
    with django_assert_num_queries(0):
        text = render_to_string(template, {})
    assert words in text and 'href="/stages/"' in text and "css/site" in text


def test_a_post_without_its_csrf_token_gets_the_sites_403(csrf_client):
    response = csrf_client.post("/stages/3/evaluate/", {"yaml": "a: 1"})
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()


def test_a_view_that_meets_an_outage_answers_503_with_retry_after(alice, monkeypatch):
    from trainer.lab import views

    def down(request):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(views, "store_for", down)
    client = Client(raise_request_exception=False)
    response = client.get("/lab/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()


def test_a_query_error_is_still_a_500():
    """Only a lost connection is an outage; a broken query is a bug, and says so."""
    from django.db import IntegrityError

    from trainer.ops.outages import OUTAGES

    assert not issubclass(IntegrityError, OUTAGES)
