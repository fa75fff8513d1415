"""/healthz and /readyz, request ids, and log lines as JSON with the request's context."""

import json
import logging

import pytest
from django.test import Client

from trainer.ops import logs

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database_for_any_host(django_assert_num_queries, settings):
    settings.SECURE_SSL_REDIRECT = True  # a probe over plain HTTP is not redirected
    with django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST="10.244.2.11:8000")
    assert response.status_code == 200 and json.loads(response.content) == {"status": "ok"}


def test_readyz_asks_the_database_and_the_cache():
    response = Client().get("/readyz", HTTP_HOST="10.244.2.11:8000")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_says_what_is_down(monkeypatch):
    from django.db import OperationalError

    from trainer.ops import health

    class DeadCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connections["default"], "cursor", lambda: DeadCursor())
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable: OperationalError"


def test_every_response_carries_a_request_id_and_keeps_nginxs():
    assert len(Client().get("/").headers["X-Request-ID"]) == 32
    assert Client().get("/", HTTP_X_REQUEST_ID="abc123-nginx").headers["X-Request-ID"] == "abc123-nginx"
    assert Client().get("/", HTTP_X_REQUEST_ID="bad id\nwith newline").headers["X-Request-ID"] != "bad id"


def json_line(record_factory) -> dict:
    handler = logging.StreamHandler()
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    record = record_factory()
    handler.filter(record)
    line = handler.format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_log_line_is_one_json_object_with_time_level_request_and_user():
    tokens = logs.request_id.set("req-1"), logs.user_id.set("42")
    try:
        entry = json_line(lambda: logging.LogRecord("trainer.x", logging.WARNING, __file__, 1,
                                                    "hello %s", ("you",), None))
    finally:
        logs.request_id.reset(tokens[0])
        logs.user_id.reset(tokens[1])
    assert entry["message"] == "hello you" and entry["level"] == "WARNING" and entry["logger"] == "trainer.x"
    assert entry["request_id"] == "req-1" and entry["user_id"] == "42"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]


def test_a_traceback_is_a_field_of_its_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        info = sys.exc_info()
    entry = json_line(lambda: logging.LogRecord("trainer.x", logging.ERROR, __file__, 1, "failed", (), info))
    assert "ValueError: boom" in entry["exception"] and entry["message"] == "failed"


def test_a_crash_is_logged_once_with_the_request_and_user(alice, monkeypatch, caplog):
    from trainer.lab import views

    monkeypatch.setattr(views, "store_for", lambda request: 1 / 0)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with caplog.at_level(logging.WARNING):
        response = client.get("/lab/", HTTP_X_REQUEST_ID="req-crash")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info
    assert errors[0].request_id == "req-crash" and errors[0].user_id == str(alice.pk)
