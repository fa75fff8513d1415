"""A body that is not UTF-8 is a 400 with a message on every POST URL, before the CSRF check.

Before: a form body declaring charset=utf-16 made every POST URL a 500, with no account
needed, and wrote 40 KB of traceback per request.
"""

import logging

import pytest
from django.test import Client

from trainer.catalog.exercises import all_exercises

pytestmark = pytest.mark.django_db
EXERCISE = next(e for e in all_exercises() if e.questions)
POST_URLS = [
    "/stages/3/evaluate/", "/stages/3/explain/", "/stages/3/probe/", "/stages/3/download/",
    f"/lab/{EXERCISE.id}/grade/", f"/lab/{EXERCISE.id}/terminal/", f"/lab/{EXERCISE.id}/hint/",
    f"/lab/{EXERCISE.id}/give-up/", f"/lab/{EXERCISE.id}/questions/{EXERCISE.questions[0].id}/",
    "/quizzes/start/", "/accounts/login/", "/accounts/signup/", "/accounts/logout/", "/admin/login/",
]
BODIES = [
    (b"answer=%FF&yaml=%FF", "application/x-www-form-urlencoded; charset=utf-16"),
    (b"yaml=a&scenario=", "application/x-www-form-urlencoded; charset=latin-1"),
    (b"yaml=a&scenario=", "application/x-www-form-urlencoded; charset=no-such-charset"),
    (b"yaml=a&scenario=", "application/x-www-form-urlencoded; charset=utf8"),  # Django refuses this spelling
    (b"yaml=%FF%FE&scenario=", "application/x-www-form-urlencoded"),
    (b"yaml=\xff\xfe&scenario=", "application/x-www-form-urlencoded"),
    (b'--b\r\nContent-Disposition: form-data; name="yaml"\r\n\r\n\xff\xfe\r\n--b--\r\n',
     "multipart/form-data; boundary=b"),
]


@pytest.fixture
def browser():
    """CSRF enforced, as in production, with the token a page gave."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/stages/3/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("url", POST_URLS)
@pytest.mark.parametrize("body, content_type", BODIES, ids=[f"body{i}" for i in range(len(BODIES))])
def test_a_body_that_is_not_utf8_is_a_400_with_a_message(browser, url, body, content_type, caplog):
    client, token = browser
    with caplog.at_level(logging.WARNING):
        response = client.generic("POST", url, body, content_type=content_type, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert "must be sent as UTF-8" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(r.exc_info is None for r in caplog.records)


def test_utf8_declared_in_either_case_is_accepted(browser):
    client, token = browser
    for charset in ("utf-8", "UTF-8"):
        response = client.generic("POST", "/stages/3/evaluate/", b"yaml=a%3A+1&scenario=&previous=",
                                  content_type=f"application/x-www-form-urlencoded; charset={charset}",
                                  HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200


def test_text_beyond_ascii_is_accepted(browser):
    client, token = browser
    response = client.post("/stages/3/evaluate/", {"yaml": "# ünïcode ✓\na: 1", "scenario": ""},
                           HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
