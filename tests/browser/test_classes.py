"""A class in three browsers at once: an instructor and two learners.

The instructor creates a class and assigns an exercise; two learners join by code; one
solves it, the other makes the OR-for-AND mistake; the dashboard and the misconception
view show both without a reload; the projector shows the mistaken answer anonymised; a
predict-the-matrix poll runs from question to reveal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXERCISE = "and-peer"
WAIT = 15_000  # ms: the dashboards poll every few seconds


@pytest.fixture
def people(browser, live_server, alice, bob, charlie):
    contexts, pages = [], {}
    for user, password in ((bob, "bob-password-1"), (alice, "alice-password-1"),
                           (charlie, "charlie-password-1")):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login" not in url)
        contexts.append(context)
        pages[user.username] = page
    yield pages
    for context in contexts:
        context.close()


def grade(page, text: str):
    page.goto(f"/lab/{EXERCISE}/")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.click("#answer-form button[type=submit]")
    page.locator("#grade h2").wait_for()


def test_a_class_from_creation_to_a_poll(people):
    teacher, alice, charlie = people["bob"], people["alice"], people["charlie"]

    teacher.goto("/classes/")
    teacher.fill("#id_name", "Browser class")
    teacher.click("main form button:has-text('Create')")
    code = teacher.locator(".join-code .code").inner_text()
    teacher.click("nav.class-tabs >> text=Assignments")
    teacher.select_option("#id_item", f"exercise:{EXERCISE}")
    teacher.click("main form button:has-text('Assign')")
    expect(teacher.locator("table")).to_contain_text(get_exercise(EXERCISE).title)

    for learner in (alice, charlie):
        learner.goto("/classes/")
        learner.fill("#id_code", code.lower())
        learner.click("main form button:has-text('Join')")
        expect(learner.locator("h1")).to_have_text("Browser class")

    teacher.click("nav.class-tabs >> text=Dashboard")
    teacher.evaluate("window.notReloaded = true")
    rows = teacher.locator("#board-rows")
    expect(rows).to_contain_text("alice")
    expect(rows).to_contain_text("charlie")

    grade(alice, get_exercise(EXERCISE).solution)
    expect(alice.locator("#grade")).to_contain_text("Passed")
    grade(charlie, get_exercise(EXERCISE).starter)
    expect(charlie.locator("#grade")).to_contain_text("OR where AND was meant")

    alice_row = teacher.locator("#board-rows tr", has_text="alice")
    charlie_row = teacher.locator("#board-rows tr", has_text="charlie")
    expect(alice_row.locator("td.passed")).to_have_count(1, timeout=WAIT)
    expect(charlie_row).to_contain_text("OR for AND", timeout=WAIT)
    assert teacher.evaluate("window.notReloaded") is True  # swapped by htmx, not reloaded

    teacher.click("nav.class-tabs >> text=Misconceptions")
    teacher.evaluate("window.notReloaded = true")
    expect(teacher.locator("#mistake-tables")).to_contain_text("OR for AND")
    teacher.click("#mistake-tables a:has-text('1')")
    expect(teacher.locator("table")).to_contain_text("charlie")
    teacher.click("text=Project, anonymised")
    expect(teacher.locator("h1")).to_contain_text("Spot the bug")
    expect(teacher.locator("#result")).to_be_visible()
    assert "charlie" not in teacher.content().lower()

    stage = catalog().stages[2]
    teacher.goto(teacher.url.split("/projector/")[0] + "/polls/")
    teacher.select_option("#id_item", f"stage:{stage.slug}")
    teacher.click("text=Start a poll")
    expect(teacher.locator("#tally h2")).to_have_text("0 answers")
    poll_url = teacher.url.removesuffix("screen/")
    for learner, ticks in ((alice, 1), (charlie, 3)):
        learner.goto(poll_url)
        boxes = learner.locator("input[name=allowed]")
        for i in range(ticks):
            boxes.nth(i).check()
        learner.click("text=Send my answer")
        expect(learner.locator(".saved")).to_have_text("Saved.")
    expect(teacher.locator("#tally h2")).to_have_text("2 answers", timeout=WAIT)
    teacher.click("text=Reveal the answer")
    expect(teacher.locator("#tally h2")).to_contain_text("the engine's answer")
    expect(teacher.locator("#tally td.yes").first).to_be_visible()
    page_text = teacher.content().lower()
    assert "alice" not in page_text and "charlie" not in page_text
