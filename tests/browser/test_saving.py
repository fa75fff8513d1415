"""A quiz answer is "Saved" only when the server says so: a failed save says "Not saved,
retrying" and is sent again. Before, a POST answered with a 500 still showed "Saved", and a
reload brought back the old answer."""

import re

import pytest
from playwright.sync_api import expect

from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_exam(settings):
    settings.QUIZ_PRESETS = (Preset("exam-3", "Exam, 3 questions in 5 minutes", "exam", 3, 5),)


def fail_first(page, status: int, headers=None):
    """The first answer POST gets `status` from the 'server'; later ones go through."""
    failed = []

    def handle(route):
        if route.request.method == "POST" and not failed:
            failed.append(route.request.url)
            route.fulfill(status=status, body="error", headers=headers or {})
        else:
            route.continue_()

    page.route(re.compile(r"/answer/$"), handle)
    return failed


# A 429 as trainer.ops.errors.too_many sends it: into the saved line, with Retry-After.
TOO_MANY = {"Retry-After": "1", "HX-Retarget": "#saved", "HX-Reswap": "innerHTML"}


@pytest.mark.parametrize("status, headers", [(500, None), (503, {"Retry-After": "1"}), (429, TOO_MANY)])
def test_a_failed_save_says_so_and_is_retried_until_saved(page, short_exam, status, headers):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 3 questions in 5 minutes").click()
    expect(page.locator("#question-title")).to_have_text("Question 1 of 3")
    failed = fail_first(page, status, headers)
    choice = page.locator("#answer-form input[name=choice]").nth(1)
    letter = choice.get_attribute("value")
    choice.check()
    expect(page.locator("#saved")).to_contain_text("Not saved, retrying")
    expect(page.locator("#saved")).not_to_contain_text("Saved at")
    expect(page.locator("#saved")).to_contain_text("Saved at", timeout=10_000)
    assert len(failed) == 1
    assert Attempt.objects.get().questions.get(position=1).answer == letter
    page.reload()
    expect(page.locator(f"#choice-{letter}")).to_be_checked()


def test_a_refused_answer_is_told_not_retried(page, short_exam):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 3 questions in 5 minutes").click()
    # On the question's page before the route is set: set during the navigation, it may miss the POST.
    expect(page.locator("#question-title")).to_have_text("Question 1 of 3")
    fail_first(page, 400)
    page.locator("#answer-form input[name=choice]").first.check()
    expect(page.locator("#saved")).to_contain_text("Not saved: error")
    page.wait_for_timeout(2500)  # longer than the first retry's pause: nothing is sent again
    assert not Attempt.objects.get().questions.get(position=1).answered
