"""Personas and clients shared by every test (healthchecks' hc/test.py in spirit)."""

import pytest
from django.test import Client


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
