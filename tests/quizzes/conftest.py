"""Attempts made directly, clients for each persona, and an htmx header."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.quiz_variants import instance
from trainer.quizzes import attempts
from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt, AttemptQuestion

EXAM = Preset("exam-test", "Exam, 5 questions", "exam", 5, 30)
PRACTICE = Preset("practice-test", "Practice, 5 questions", "practice", 5)
HTMX = {"HX-Request": "true"}
CSRF_VALUE = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return signed_in(alice)


@pytest.fixture
def charlie_client(charlie):
    return signed_in(charlie)


def exam_of(user, preset=EXAM, topic="") -> Attempt:
    return attempts.start({"user": user}, preset, topic)


def attempt_with(user, slugs, mode="exam") -> Attempt:
    """An attempt holding exactly these questions (variant seed = position)."""
    from datetime import timedelta

    from django.utils import timezone
    attempt = Attempt.objects.create(
        user=user, mode=mode, title="Test", seed=1,
        deadline=timezone.now() + timedelta(minutes=90) if mode == "exam" else None)
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, position=i, slug=slug, variant_seed=i)
        for i, slug in enumerate(slugs, start=1))
    return attempt


def shown(question: AttemptQuestion):
    return instance(question.slug, question.variant_seed)


def url(name, attempt, position=None):
    args = [attempt.pk] if position is None else [attempt.pk, position]
    return reverse(f"quizzes:{name}", args=args)


def right_letters(question):
    return sorted(shown(question).key)


def wrong_letters(question):
    s = shown(question)
    others = [letter for letter in s.letters if letter not in s.key]
    return others[:1] if others else []
