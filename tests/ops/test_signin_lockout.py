"""Sign-in lockout (django-axes on the shared cache): per username and per address, admin included.

Before: 50 wrong passwords in 16 s all answered 200, then the right one signed in,
and parallel guessers filled both cores with password hashing.
"""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client

pytestmark = pytest.mark.django_db
LIMIT = 10


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client, username, password, path="/accounts/login/", address="198.51.100.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_right_password_is_refused_after_too_many_wrong_ones(alice):
    client = Client()
    statuses = [sign_in(client, "alice", f"guess-{n}").status_code for n in range(50)]
    assert statuses[:LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
    assert set(statuses[LIMIT:]) == {429}
    locked = sign_in(client, "alice", "alice-password-1")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in locked.content.decode()
    assert int(locked["Retry-After"]) == 15 * 60


def test_a_locked_username_is_locked_from_every_address(alice):
    for n in range(LIMIT):
        sign_in(Client(), "alice", f"guess-{n}", address=f"198.51.100.{n + 1}")
    assert sign_in(Client(), "alice", "alice-password-1", address="203.0.113.99").status_code == 429


def test_an_address_guessing_many_usernames_is_locked_out(alice, charlie):
    for n in range(LIMIT):
        sign_in(Client(), f"nobody{n}", "guess", address="198.51.100.9")
    assert sign_in(Client(), "charlie", "charlie-password-1", address="198.51.100.9").status_code == 429
    other = Client()
    assert sign_in(other, "charlie", "charlie-password-1", address="198.51.100.10").status_code == 302


def test_the_admin_sign_in_is_locked_out_too(django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "root-password-1")
    for n in range(LIMIT):
        sign_in(Client(), "root", f"guess-{n}", path="/admin/login/")
    response = sign_in(Client(), "root", "root-password-1", path="/admin/login/")
    assert response.status_code == 429


def test_a_locked_out_attempt_costs_no_password_hash(alice, monkeypatch):
    for n in range(LIMIT):
        sign_in(Client(), "alice", f"guess-{n}")
    hashed = []
    original = PBKDF2PasswordHasher.verify
    monkeypatch.setattr(PBKDF2PasswordHasher, "verify",
                        lambda self, *a: hashed.append(1) or original(self, *a))
    for n in range(20):
        assert sign_in(Client(), "alice", f"more-{n}").status_code == 429
    assert hashed == []


def test_behind_nginx_the_address_is_the_one_nginx_saw(alice, settings):
    """Every request comes from nginx's address; the client's is the one nginx appended."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        Client().post("/accounts/login/", {"username": f"x{n}", "password": "p"}, REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.50")
    others = Client().post("/accounts/login/", {"username": "alice", "password": "alice-password-1"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.51")
    assert others.status_code == 302  # a different learner behind the same nginx is not locked out
    guesser = Client().post("/accounts/login/", {"username": "alice", "password": "alice-password-1"},
                            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.50")
    assert guesser.status_code == 429  # a forged left-hand entry does not free the guesser


def test_a_successful_sign_in_clears_the_count(alice):
    for n in range(LIMIT - 1):
        sign_in(Client(), "alice", f"guess-{n}")
    assert sign_in(Client(), "alice", "alice-password-1").status_code == 302
    assert sign_in(Client(), "alice", "one-more-guess").status_code == 200
