"""Keeping and sharing work in a real browser: a stage's edit survives leaving the stage, a share
link opens in another browser, and the playground fits a phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_editor(page, text: str) -> None:
    """Replace CodeMirror's text as typing would (its change event posts the edit)."""
    page.evaluate("(text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", text)


def edit_stage3_to_3307(page) -> None:
    page.goto("/stages/3/")
    text = page.locator("textarea#yaml").input_value().replace("port: 3306", "port: 3307")
    with page.expect_response(lambda r: r.url.endswith("/stages/3/evaluate/")):
        set_editor(page, text)
    page.wait_for_function("() => document.querySelector('.answer').textContent.startsWith('Nothing can')")


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")


def test_a_stage_edit_is_back_after_visiting_the_next_stage(page):
    edit_stage3_to_3307(page)
    page.click("a[rel=next]")
    page.wait_for_url("**/stages/4/")
    assert "port: 3307" not in editor_text(page)
    page.click("a[rel=prev]")
    page.wait_for_url("**/stages/3/")
    assert "port: 3307" in editor_text(page)
    assert "This is your draft" in page.locator("#draft-note").inner_text()
    assert page.locator(".answer").inner_text().startswith("Nothing can")
    page.click("#reset")
    page.wait_for_load_state()
    assert "port: 3307" not in editor_text(page) and "port: 3306" in editor_text(page)


def test_a_shared_stage_opens_read_only_in_another_browser(page, browser, live_server):
    edit_stage3_to_3307(page)
    page.click("button:has-text('Share')")
    link = page.locator("#share-url")
    link.wait_for()
    assert page.locator("[data-copy]").is_visible()  # the script showed the Copy link button
    url = link.input_value()
    assert url.startswith(live_server.url + "/s/")
    other = browser.new_context()
    try:
        visitor = other.new_page()
        visitor.goto(url)
        assert "port: 3307" in visitor.locator("pre.shared-yaml").inner_text()
        assert visitor.locator(".answer").inner_text().startswith("Nothing can")
        assert visitor.locator("textarea").count() == 0
        visitor.click("button:has-text('Edit a copy')")
        visitor.wait_for_url("**/stages/3/")
        assert "port: 3307" in editor_text(visitor)
    finally:
        other.close()


def test_the_playground_fits_a_phone_and_evaluates_as_you_type(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/playground/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_response(lambda r: r.url.endswith("/playground/evaluate/")):
        page.fill("#cluster", "kind: List\nitems: [\n")
    page.wait_for_selector("#result .problems")
    assert "Cluster, line" in page.locator("#result .problems").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
