"""Rate limits: generous for a learner typing, a 429 with Retry-After and a message where the
answer would have gone, counted per learner and per address in the shared cache."""

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.stages import catalog
from trainer.ops import ratelimit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "result"}
REAL = dict(ratelimit.LIMITS)  # before the tests below shrink them


@pytest.fixture(autouse=True)
def limits_on(settings, monkeypatch):
    settings.RATE_LIMITS_ENABLED = True
    settings.ALLOWED_HOSTS = ["testserver"]
    small = {**ratelimit.LIMITS, "evaluate": ratelimit.Limit(5, 8, 60, "evaluations"),
             "signup": ratelimit.Limit(None, 3, 3600, "sign-ups"),
             "answer": ratelimit.Limit(4, 40, 60, "answers")}
    monkeypatch.setattr(ratelimit, "LIMITS", small)


def edit(client, address="198.51.100.7", **headers):
    return client.post(reverse("walkthrough:evaluate", args=[3]),
                       {"yaml": catalog().stage(3).yaml, "previous": "", "scenario": "guide"},
                       REMOTE_ADDR=address, **headers)


def test_the_real_limits_leave_room_for_a_learner_typing_flat_out():
    # The editor posts 150 ms after typing stops: at most 400 a minute.
    assert REAL["evaluate"].per_learner >= 60 / 0.150
    assert REAL["answer"].per_learner >= 60


def test_past_the_limit_an_edit_gets_a_429_the_panel_shows():
    client = Client()
    # a session, as in a browser
    client.get(reverse("walkthrough:stage", args=[3]), REMOTE_ADDR="198.51.100.7")
    assert [edit(client, **HTMX).status_code for _ in range(5)] == [200] * 5
    refused = edit(client, **HTMX)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["HX-Retarget"] == "#result" and refused["HX-Reswap"] == "innerHTML"
    assert "Too many evaluations" in refused.content.decode()


def test_without_htmx_the_429_is_the_sites_page():
    client = Client()
    client.get(reverse("walkthrough:stage", args=[3]), REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        edit(client)
    refused = edit(client)
    assert refused.status_code == 429 and "Slow down" in refused.content.decode()


def test_one_learner_over_the_limit_leaves_another_at_the_same_address_alone():
    first, second = Client(), Client()
    for client in (first, second):
        client.get(reverse("walkthrough:stage", args=[3]), REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        edit(first, **HTMX)
    assert edit(first, **HTMX).status_code == 429
    assert edit(second, **HTMX).status_code == 200


def test_the_address_ceiling_catches_a_script_that_drops_its_cookies():
    statuses = [edit(Client(), **HTMX).status_code for _ in range(10)]  # a new "learner" each time
    assert statuses[:8] == [200] * 8 and statuses[8:] == [429, 429]


def test_the_address_ceiling_scales_for_a_class_behind_one_address(settings):
    settings.RATE_LIMIT_IP_FACTOR = 2
    assert [edit(Client(), **HTMX).status_code for _ in range(16)] == [200] * 16


def test_sign_ups_from_one_address_are_limited(django_user_model):
    def sign_up(n):
        return Client().post(reverse("accounts:signup"), {
            "username": f"new{n}", "email": f"new{n}@example.org",
            "password1": "a-long-password-42", "password2": "a-long-password-42"}, REMOTE_ADDR="198.51.100.8")
    assert [sign_up(n).status_code for n in range(4)] == [302, 302, 302, 429]
    assert django_user_model.objects.count() == 3
    assert Client().get(reverse("accounts:signup"), REMOTE_ADDR="198.51.100.8").status_code == 200  # the form


def test_quiz_answers_are_limited_and_the_429_lands_in_the_saved_line(alice):
    from trainer.quizzes import attempts
    from trainer.quizzes.composition import Preset

    attempt = attempts.start({"user": alice}, Preset("e", "Exam", "exam", 3, 30))
    question = attempt.questions.get(position=1)
    client = Client()
    client.force_login(alice)
    answer_url = reverse("quizzes:answer", args=[attempt.pk, 1])
    letter = attempts.instance_of(question).letters[0]
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "saved"}
    statuses = [client.post(answer_url, {"choice": letter}, **headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_when_the_cache_is_unreachable_the_limit_lets_requests_through(monkeypatch, caplog):
    import redis.exceptions

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(ratelimit.cache, "add", down)
    monkeypatch.setattr(ratelimit, "_warned_at", 0.0)
    assert [edit(Client(), **HTMX).status_code for _ in range(10)] == [200] * 10
    assert caplog.text.count("rate limits not checked") == 1  # said once, not per request


def test_limits_can_be_turned_off_for_benchmarks(settings):
    settings.RATE_LIMITS_ENABLED = False
    assert [edit(Client(), **HTMX).status_code for _ in range(12)] == [200] * 12
