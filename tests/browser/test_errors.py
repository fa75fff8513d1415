"""A learner's mistakes in Debian's chromium: the panel says them in plain words, with the line,
as they type (desktop and phone) and after a plain form post (no JavaScript); a probe to a port
nobody listens on says so."""

import pytest

from .test_walkthrough import set_cursor_after

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def problems(page):
    return page.locator("#result .problems")


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_misspelt_field_and_a_bad_indent_are_told_plainly_as_one_types(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/stages/3/")
    line = set_cursor_after(page, "matchLabels:")
    page.keyboard.press("Backspace")  # matchLabels: -> matchLabels
    page.keyboard.press("Backspace")  # -> matchLabel
    page.keyboard.type(":")
    problems(page).wait_for()
    text = problems(page).inner_text()
    assert f"Line {line}" in text and "did you mean matchLabels?" in text
    assert text.count("spec.podSelector.matchLabel") == 1
    set_cursor_after(page, "policyTypes:")
    page.keyboard.press("Home")
    page.keyboard.type(" ")  # one space more than podSelector above it: the keys no longer line up
    page.wait_for_function(
        "() => (document.querySelector('#result .problems') || {}).innerText?.includes('indented')")
    text = problems(page).inner_text()
    assert "while parsing" not in text and "expected <block end>" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_without_javascript_a_yaml_mistake_is_told_after_the_post(nojs_page):
    page = nojs_page
    page.goto("/stages/3/")
    text = page.locator("textarea#yaml").input_value().replace("  policyTypes:", "\tpolicyTypes:")
    page.fill("textarea#yaml", text)
    page.click("text=Evaluate")
    page.wait_for_url("**/stages/3/evaluate/")
    told = problems(page).inner_text()
    assert "a tab character" in told and "YAML indents with spaces only" in told
    page.click("#reset")


def test_a_probe_to_a_port_nobody_listens_on_says_so(page):
    page.goto("/stages/3/")
    page.fill("input[name=probe_from]", "prod/api-pod")
    page.fill("input[name=probe_to]", "prod/web")
    page.fill("input[name=probe_port]", "3307")
    page.click("button[name=probe]")
    page.wait_for_selector("#probe-result .explanation")
    said = page.locator("#probe-result").inner_text()
    assert "prod/api-pod → prod/web on TCP 3307: allowed" in said
    assert "nothing listens on TCP 3307 in prod/web" in said
