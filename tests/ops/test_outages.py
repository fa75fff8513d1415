"""Degrade, don't die: the site on its own PostgreSQL and Redis, which the test stops and starts.

Before: during a PostgreSQL outage every request was a 500, the walkthrough's evaluate too,
though it needs no database; there was no health endpoint and no request id in the logs.
"""

import json
import time

import pytest

from benchmarks.services import Browser, Gunicorn, Postgres, Redis, manage, site_env

pytestmark = pytest.mark.services
STAGE3 = "/stages/3/"


@pytest.fixture(scope="module")
def stack(collected, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("outage")
    with Postgres() as pg, Redis(workdir) as redis:
        env = site_env(DATABASE_URL=pg.createdb("trainer"), REDIS_URL=redis.url(), STATIC_ROOT=str(collected),
                       CONN_MAX_AGE="60")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "shell", "-c", "from trainer.accounts.models import User; "
                                   "User.objects.create_user('dana', 'd@example.org', 'dana-password-1')")
        with Gunicorn(env, workdir, workers=2) as app:
            yield pg, redis, app


def signed_in(base: str) -> Browser:
    browser = Browser(base)
    browser.get("/accounts/login/")
    status, _, _ = browser.post("/accounts/login/", {"username": "dana", "password": "dana-password-1"})
    assert status == 302
    return browser


def edit(browser: Browser, text: str = "") -> tuple[int, dict, str]:
    browser.get(STAGE3) if not browser.token else None
    return browser.post("/stages/3/evaluate/", {"yaml": text or "kind: List\nitems: []\n", "scenario": "",
                                                "previous": ""}, htmx=True)


def log_lines(app) -> list[dict]:
    return [json.loads(line) for line in app.log.read_text().splitlines() if line.startswith("{")]


def test_a_database_outage_leaves_the_editor_working_and_the_rest_answers_503(stack):
    pg, redis, app = stack
    anonymous, dana = Browser(app.url), signed_in(app.url)
    anonymous.get(STAGE3)
    dana.get(STAGE3)
    before = len(log_lines(app))
    pg.stop()
    try:
        for browser in (anonymous, dana):
            status, _, body = edit(browser)
            assert status == 200 and 'id="result"' in body
        status, headers, body = dana.get("/lab/")
        assert status == 503 and headers["Retry-After"] == "5" and "Back in a moment" in body
        status, headers, _ = anonymous.post("/quizzes/start/", {"mode": "exam", "preset": "exam-20"})
        assert status == 503 and headers["Retry-After"] == "5"
        assert Browser(app.url).get("/healthz")[0] == 200
        status, _, body = Browser(app.url).get("/readyz")
        assert status == 503 and json.loads(body)["database"].startswith("unreachable")
        assert json.loads(body)["cache"] == "ok"
    finally:
        pg.start()
    during = log_lines(app)[before:]
    assert app.log.read_text().count("Traceback") == 0  # one line per event, never a traceback chain
    unavailable = [e for e in during if "service unavailable" in e["message"]]
    assert len(unavailable) == 2  # one per refused request: /lab/ and the quiz start
    assert all(e["level"] == "WARNING" and len(e["request_id"]) == 32 for e in unavailable)
    assert {e["user_id"] for e in unavailable} == {
        "-", next(e["user_id"] for e in unavailable if e["user_id"] != "-")}
    skipped = [e for e in during if "progress not recorded" in e["message"]]
    assert len(skipped) == 1 and skipped[0]["user_id"] != "-"  # dana's, not the anonymous learner's

    # Back: every page answers again, through connections kept from before (checked, then renewed).
    deadline = time.monotonic() + 20
    while Browser(app.url).get("/readyz")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Browser(app.url).get("/readyz")[0] == 200
    assert dana.get("/lab/")[0] == 200
    assert dana.get("/lab/")[0] == 200  # the other worker too, whichever answers
    assert edit(dana)[0] == 200


def test_a_redis_outage_is_a_503_not_a_500(stack):
    pg, redis, app = stack
    learner = Browser(app.url)
    learner.get(STAGE3)
    redis.stop()
    try:
        status, headers, _ = edit(learner, "kind: List\nitems: []\n# an edit\n")
        assert status == 503 and headers["Retry-After"] == "5"
        status, _, body = Browser(app.url).get("/readyz")
        assert status == 503 and json.loads(body)["cache"].startswith("unreachable")
        assert Browser(app.url).get("/healthz")[0] == 200
    finally:
        redis.start()
    assert Browser(app.url).get("/readyz")[0] == 200
    fresh = Browser(app.url)
    fresh.get(STAGE3)
    assert edit(fresh)[0] == 200
    assert "Traceback" not in app.log.read_text()
    told = [e for e in log_lines(app) if e["message"].startswith("service unavailable: ConnectionError")]
    assert len(told) == 1 and told[0]["level"] == "WARNING"  # the one edit refused, in one line
