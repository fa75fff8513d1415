"""Exam practice in Debian's chromium: a short exam from the start to its results, and the clock."""

import re

import pytest
from playwright.sync_api import expect

from trainer.quizzes.composition import Preset
from trainer.quizzes.models import Attempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_exams(settings):
    settings.QUIZ_PRESETS = (
        Preset("practice-3", "Practice, 3 questions", "practice", 3),
        Preset("exam-3", "Exam, 3 questions in 5 minutes", "exam", 3, 5),
        Preset("exam-blink", "Exam, 2 questions in 3 seconds", "exam", 2, 0.05),
    )


def choose_first(page):
    page.locator("#answer-form input[name=choice]").first.check()
    expect(page.locator("#saved")).to_contain_text("Saved at")


def test_a_short_exam_from_start_to_results(page, short_exams):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 3 questions in 5 minutes").click()
    expect(page.locator("#question-title")).to_have_text("Question 1 of 3")
    clock = page.locator("#timer .clock")
    expect(clock).to_have_text(re.compile(r"^4:5\d$|^5:00$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first)  # the countdown runs between the server's updates

    choose_first(page)
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("#question-title")).to_have_text("Question 2 of 3")
    choose_first(page)
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#flag button")).to_have_attribute("aria-pressed", "true")
    flagged = page.locator('#navigator a[aria-label="Question 2, answered, flagged for review"]')
    expect(flagged).to_be_visible()

    # Jump back with the navigator, then reload as a learner returning to the tab would.
    page.locator('#navigator a[aria-label^="Question 1"]').click()
    expect(page.locator("#question-title")).to_have_text("Question 1 of 3")
    page.reload()
    expect(page.locator("#answer-form input[name=choice]").first).to_be_checked()

    page.locator('#navigator a[aria-label^="Question 3"]').click()
    expect(page.locator("#question-title")).to_have_text("Question 3 of 3")
    choose_first(page)
    expect(page.locator("#navigator")).to_contain_text("0 not answered")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit exam").click()
    page.wait_for_url(re.compile(r"/results/$"))
    expect(page.locator("#score-title")).to_contain_text(re.compile(r"(Passed|Not passed): \d of 3"))
    expect(page.locator(".review-entry")).to_have_count(3)
    expect(page.locator(".review-entry .explanation").first).to_be_visible()
    expect(page.locator(".topic-table tbody tr").first).to_be_visible()
    attempt = Attempt.objects.get()
    assert attempt.finished and not attempt.timed_out
    assert attempt.questions.filter(answered_at__isnull=False).count() == 3

    page.goto("/quizzes/")
    expect(page.get_by_role("link", name="Review")).to_be_visible()


def test_when_time_runs_out_the_exam_is_submitted_and_the_page_goes_to_the_results(page, short_exams):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 2 questions in 3 seconds").click()
    expect(page.locator("#question-title")).to_have_text("Question 1 of 2")
    page.wait_for_url(re.compile(r"/results/$"), timeout=20_000)
    expect(page.locator(".score")).to_contain_text("Time ran out")
    assert Attempt.objects.get().timed_out


def test_practice_shows_the_answer_after_each_check(page, short_exams):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start practice").click()
    choose_first(page)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#question .verdict")).to_contain_text("Key:")
    expect(page.locator("#question .explanation")).to_be_visible()
    expect(page.locator('#navigator a[aria-current="step"] .mark')).to_have_text(re.compile("✓|✗"))


def test_without_javascript_the_exam_still_works_with_plain_forms(nojs_page, short_exams):
    page = nojs_page
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 3 questions in 5 minutes").click()
    for n in (1, 2, 3):
        expect(page.locator("#question-title")).to_have_text(f"Question {n} of 3")
        page.locator("#answer-form input[name=choice]").first.check()
        page.get_by_role("button", name="Save and next").click()
    expect(page.locator("#navigator")).to_contain_text("0 not answered")
    page.get_by_role("button", name="Flag for review").click()
    expect(page.locator("#flag button")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Submit exam").click()
    expect(page.locator("#score-title")).to_contain_text("of 3")
    assert Attempt.objects.get().questions.filter(answered_at__isnull=False).count() == 3


def test_an_answer_chosen_while_offline_is_saved_once_the_connection_returns(page, short_exams):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Exam, 3 questions in 5 minutes").click()
    expect(page.locator("#question-title")).to_have_text("Question 1 of 3")
    page.context.set_offline(True)
    page.locator("#answer-form input[name=choice]").first.check()
    expect(page.locator("#saved")).to_contain_text("connection is lost")
    page.context.set_offline(False)
    expect(page.locator("#saved")).to_contain_text("Saved at", timeout=10_000)
    assert Attempt.objects.get().questions.get(position=1).answered
