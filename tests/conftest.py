"""Personas and clients shared by every test (healthchecks' hc/test.py in spirit)."""

from pathlib import Path

import pytest
from django.test import Client


def pytest_configure(config):
    # The SQLite test database is a file there (settings.py), so that threads meet real locks.
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    """Every test starts with empty counters and lockouts; rate limits are off unless a test of
    them turns them on (tests/ops), since other tests post far faster than a learner types."""
    from django.core.cache import cache

    settings.RATE_LIMITS_ENABLED = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(django_user_model):
    """A learner."""
    return django_user_model.objects.create_user("alice", "alice@example.org", "alice-password-1")


@pytest.fixture
def bob(django_user_model):
    """An instructor."""
    return django_user_model.objects.create_user(
        "bob", "bob@example.org", "bob-password-1", role="instructor")


@pytest.fixture
def charlie(django_user_model):
    """Another learner, who may see neither alice's nor bob's work."""
    return django_user_model.objects.create_user("charlie", "charlie@example.org", "charlie-password-1")


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF, as a browser would meet it."""
    return Client(enforce_csrf_checks=True)
