"""Nothing sent to the browser reveals a key before the answer is in.

The strongest form of that: every page and partial rendered before submission
is byte for byte the same whatever the key, the explanation and the engine's
evidence are. The test renders each one twice, once with every question's key,
explanation and evidence swapped for others, and compares.
"""

import dataclasses
import re

import pytest

from trainer.catalog.quiz import bank
from trainer.catalog.quiz_variants import instance
from trainer.quizzes import attempts
from trainer.web.markup import blocks as markdown

from .conftest import CSRF_VALUE, HTMX, attempt_with, url

pytestmark = pytest.mark.django_db
ALL_SLUGS = sorted(bank().questions)
TIMES = re.compile(r"\b\d{1,2}:\d\d(:\d\d)?\b|data-remaining=\"\d+\"")


def rendered(text: str) -> str:
    """The start of a text as the page shows it (Markdown, raw HTML escaped)."""
    return markdown(text).removeprefix("<p>")[:60]


def twisted(slug, seed):
    """The same question with another key, explanation and evidence."""
    real = instance(slug, seed)
    others = frozenset(real.letters) - real.key or frozenset(real.letters[:1])
    return dataclasses.replace(
        real, key=others, explanation="TWISTED EXPLANATION",
        choices=tuple(dataclasses.replace(c, evidence="TWISTED EVIDENCE") for c in real.choices))


def normalised(response) -> str:
    return TIMES.sub("T", CSRF_VALUE.sub("TOKEN", response.content.decode()))


def pages(client, attempt, position, answer_with):
    """Every response a learner gets about one question before submitting, from a blank start."""
    attempt.questions.filter(position=position).update(answer="", answered_at=None, flagged=False)
    yield client.get(url("question", attempt, position))
    yield client.get(url("question", attempt, position), headers=HTMX)
    yield client.post(url("answer", attempt, position), {"choice": answer_with}, headers=HTMX)
    yield client.post(url("flag", attempt, position), headers=HTMX)
    yield client.post(url("flag", attempt, position), headers=HTMX)
    yield client.get(url("timer", attempt), headers=HTMX)


@pytest.mark.parametrize("mode", ["exam", "practice"])
def test_no_page_before_submission_depends_on_the_key(alice_client, alice, monkeypatch, mode):
    attempt = attempt_with(alice, ALL_SLUGS, mode=mode)
    for question in attempt.questions.all():
        real = instance(question.slug, question.variant_seed)
        answer_with = sorted(real.key)  # the right answer: the pages must not say so either
        honest = [normalised(r) for r in pages(alice_client, attempt, question.position, answer_with)]
        with monkeypatch.context() as patched:
            patched.setattr(attempts, "instance", twisted)
            lying = [normalised(r) for r in pages(alice_client, attempt, question.position, answer_with)]
        assert honest == lying, question.slug
        for body in honest:
            assert rendered(real.explanation) not in body and "in the key" not in body
            assert "What the engine says" not in body and "Correct." not in body


def test_choices_are_posted_as_their_letters_in_the_order_shown(alice_client, alice):
    attempt = attempt_with(alice, ALL_SLUGS)
    for question in attempt.questions.all():
        page = alice_client.get(url("question", attempt, question.position)).content.decode()
        values = re.findall(r'name="choice" id="choice-(\w)"\s+value="(\w)"', page)
        letters = instance(question.slug, question.variant_seed).letters
        assert [v for _, v in values] == list(letters) == [i for i, _ in values]
        assert re.findall(r"data-(?!remaining|confirm)[\w-]+=", page) == []


def test_the_practice_key_appears_only_after_the_check(alice_client, alice):
    attempt = attempt_with(alice, ["stage3-reading"], mode="practice")
    real = instance("stage3-reading", 1)
    before = alice_client.get(url("question", attempt, 1)).content.decode()
    assert rendered(real.explanation) not in before
    alice_client.post(url("check", attempt, 1), {"choice": sorted(real.key)}, headers=HTMX)
    after = alice_client.get(url("question", attempt, 1)).content.decode()
    assert rendered(real.explanation) in after and "in the key" in after
