"""Beyond the guide in Debian's chromium: from the stages to the lessons, from a lesson to the
next, every page within a 390 px phone (only code blocks may scroll, in their own box)."""

import pytest

from trainer.catalog import beyond

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_FITS = "document.documentElement.scrollWidth <= window.innerWidth"
WIDER = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('pre, .visually-hidden'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)"""


def test_from_the_stages_to_a_lesson_and_on_to_the_next(page):
    lessons = beyond.lessons()
    page.goto("/stages/")
    page.click("text=Read the")
    page.wait_for_url("**/stages/beyond/")
    assert page.locator("h1").inner_text() == "Beyond the guide"
    assert page.locator(".beyond-list li").count() == len(lessons)
    page.click(f"text={lessons[0].title}")
    page.wait_for_url(f"**/stages/beyond/{lessons[0].slug}/")
    assert page.locator("h1").inner_text() == lessons[0].title
    page.click("a[rel=next]")
    page.wait_for_url(f"**/stages/beyond/{lessons[1].slug}/")
    assert page.locator("h1").inner_text() == lessons[1].title
    page.click("a[rel=prev]")
    page.wait_for_url(f"**/stages/beyond/{lessons[0].slug}/")
    # The practice link opens the quiz page with the lesson's topic chosen.
    page.click("text=Practise the questions on")
    page.wait_for_url("**/quizzes/?topic=*")
    assert page.locator("select[name=topic]").input_value() == lessons[0].topic


def test_at_390_px_no_beyond_page_scrolls_sideways(page):
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = {}
    urls = ["/stages/", "/stages/beyond/"] + [f"/stages/beyond/{item.slug}/" for item in beyond.lessons()]
    for url in urls:
        page.goto(url)
        if not page.evaluate(PAGE_FITS):
            too_wide[url] = (page.evaluate("document.documentElement.scrollWidth"), page.evaluate(WIDER))
    assert too_wide == {}
    # A code block wider than the phone scrolls in its own box, not the page.
    page.goto(f"/stages/beyond/{beyond.lesson('cluster-wide-defaults').slug}/")
    code = page.locator("pre.lesson-code").first
    assert code.evaluate("e => getComputedStyle(e).overflowX") == "auto"
