"""The walkthrough in Debian's chromium: walk the stages, edit, explain, break, and the same
without JavaScript."""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from trainer.catalog.stages import catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINES = {
    1: "Everything can",
    2: "Nothing can",
    3: "Only prod/api-pod.",
    4: "Only prod/api-pod.",
    5: "Only prod/api-pod and 192.168.5.10 (backup server).",
    6: "Only prod/api-pod.",
}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-stage.png"


def answer(page):
    return page.locator("#result .answer")


def cell(page, src, dst, port="TCP 3306"):
    return page.locator(f'#result button[aria-label^="{src} to {dst} on {port}:"]')


def set_cursor_after(page, text):
    """Put CodeMirror's cursor at the end of the first line containing text; returns the line number."""
    return page.evaluate("""(text) => {
        const cm = document.querySelector('.CodeMirror').CodeMirror;
        for (let i = 0; i < cm.lineCount(); i++) {
            if (cm.getLine(i).includes(text)) {
                cm.focus();
                cm.setCursor({line: i, ch: cm.getLine(i).length});
                return i + 1;
            }
        }
        return 0;
    }""", text)


def test_walk_all_six_stages(page):
    page.goto("/stages/1/")
    for n in range(1, 7):
        assert page.locator("h1").inner_text() == catalog().stage(n).title
        assert HEADLINES[n] in answer(page).inner_text()
        assert page.locator(".CodeMirror").is_visible()
        if n < 6:
            page.click("a[rel=next]")
            page.wait_for_url(f"**/stages/{n + 1}/")
    page.goto("/stages/")
    assert page.locator('[data-event="visited"]').count() == 6


def test_typing_a_change_updates_headline_matrix_and_diff(page):
    page.goto("/stages/3/")
    assert cell(page, "prod/api-pod", "prod/db").inner_text() == "✓"
    set_cursor_after(page, "port: 3306")
    page.keyboard.press("Backspace")
    page.keyboard.type("7")
    expect(page.locator("#result .answer")).to_have_text(re.compile(r"^\s*Nothing can"))
    assert cell(page, "prod/api-pod", "prod/db").inner_text() == "✗"
    assert "closed prod/api-pod → prod/db TCP 3306" in (
        page.locator("#diff").inner_text().replace("CLOSED", "closed"))
    # And back: the diff now says it opened again.
    page.keyboard.press("Backspace")
    page.keyboard.type("6")
    expect(page.locator("#result .answer")).to_have_text(re.compile(r"^\s*Only prod/api-pod"))
    assert "prod/api-pod → prod/db TCP 3306" in page.locator("#diff .opened").inner_text()


def test_a_cell_opens_its_explanation_and_highlights_the_yaml(page):
    page.goto("/stages/3/")
    cell(page, "prod/web", "prod/db").click()
    explanation = page.locator("#explanation .explanation")
    explanation.wait_for()
    text = explanation.inner_text()
    assert "prod/web → prod/db on TCP 3306: denied" in text
    assert "ingress rule 1 of prod/db-policy" in text
    page.wait_for_selector(".CodeMirror .cm-line-decided")
    highlighted = page.locator(".CodeMirror .cm-line-decided").all_inner_texts()
    assert any("- from:" in line for line in highlighted)


def test_broken_yaml_shows_the_error_on_its_line(page):
    page.goto("/stages/2/")
    line = set_cursor_after(page, "role: db")
    page.keyboard.type(": [")
    page.wait_for_selector("#result .problems")
    assert "Line " in page.locator("#result .problems").inner_text()
    page.wait_for_selector(".CodeMirror .cm-line-error")
    error_line = int(page.locator("#result").get_attribute("data-error-lines").split()[0])
    assert abs(error_line - line) <= 2


def test_the_probe_answers_a_what_if(page):
    page.goto("/stages/5/")
    page.fill("input[name=probe_from]", "192.168.5.10")
    page.fill("input[name=probe_to]", "prod/db")
    page.fill("input[name=probe_port]", "3306")
    page.click("button[name=probe]")
    page.wait_for_selector("#probe-result .explanation")
    assert "192.168.5.10 → prod/db on TCP 3306: allowed" in page.locator("#probe-result").inner_text()


def test_without_javascript_the_form_still_evaluates(nojs_page):
    page = nojs_page
    page.goto("/stages/3/")
    assert page.locator("textarea#yaml").is_visible()
    text = page.locator("textarea#yaml").input_value().replace("port: 3306", "port: 3307")
    page.fill("textarea#yaml", text)
    page.click("text=Evaluate")
    page.wait_for_url("**/stages/3/evaluate/")
    assert answer(page).inner_text().startswith("Nothing can")
    assert "prod/api-pod → prod/db TCP 3306" in page.locator("#diff").inner_text()
    cell(page, "prod/api-pod", "prod/db").click()
    page.wait_for_url("**/stages/3/explain/**")
    assert "ports (TCP 3307) do not include TCP 3306" in page.locator("#explanation").inner_text()
    page.goto("/stages/3/")  # the edit was kept as the learner's draft; the reset works without JS too
    assert "port: 3307" in page.locator("textarea#yaml").input_value()
    page.click("#reset")
    page.wait_for_url("**/stages/3/")
    assert "port: 3306" in page.locator("textarea#yaml").input_value()
    page.goto("/stages/1/")
    for n in range(2, 7):
        page.click("a[rel=next]")
        page.wait_for_url(f"**/stages/{n}/")
        assert HEADLINES[n] in answer(page).inner_text()


PAGE_FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("width", [360, 390, 420])
def test_on_a_phone_only_the_matrix_scrolls_sideways(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/stages/1/")  # the stage with the longest editor line
    assert page.evaluate(PAGE_FITS), page.evaluate("document.documentElement.scrollWidth")
    # The matrix is wider than the screen and scrolls in its own box...
    assert page.evaluate("(w => w.scrollWidth > w.clientWidth)(document.querySelector('.matrix-wrap'))")
    # ...and the editor wraps long lines instead of scrolling.
    assert page.evaluate("(i => i.width <= i.clientWidth)"
                         "(document.querySelector('.CodeMirror').CodeMirror.getScrollInfo())")
    # An opened explanation and a learner's one-word name in an error do not widen the page either.
    cell(page, "prod/web", "prod/db").click()
    page.locator("#explanation .explanation").wait_for()
    assert page.evaluate(PAGE_FITS)
    page.evaluate("""() => { const cm = document.querySelector('.CodeMirror').CodeMirror; cm.focus();
        cm.setValue('kind: NetworkPolicy\\napiVersion: networking.k8s.io/v1\\n'
                    + 'metadata: {name: ' + 'x'.repeat(120) + '}\\n'
                    + 'spec: {podSelector: {matchLabels: {a: [1]}}}'); }""")
    page.wait_for_selector("#result .problems")
    assert page.evaluate(PAGE_FITS), page.evaluate("document.documentElement.scrollWidth")


def test_completing_a_stage_ticks_it_in_the_navigation_without_a_reload(page):
    page.goto("/stages/3/")
    link = page.locator('#stage-nav a[href="/stages/3/"]')
    assert "completed" not in (link.get_attribute("class") or "")
    page.click("text=Evaluate")  # the stage's own YAML does what the stage asks
    page.wait_for_selector('#stage-nav a.completed[href="/stages/3/"]')
    assert "(completed)" in link.inner_text()
    assert "Stage 3 completed." in page.locator("#result-status").inner_text()
    assert page.locator('#stage-nav a[aria-current="page"]').get_attribute("href") == "/stages/3/"


FOCUS_INFO = r"""() => {
    const a = document.activeElement;
    const ring = a.closest('.CodeMirror') || a;  // CodeMirror rings its box, not its hidden input
    const style = getComputedStyle(ring);
    return {tag: a.tagName, inEditor: ring !== a,
            name: a.getAttribute('aria-label') || a.innerText || a.name || '',
            ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                  && !/^rgba\(.*,\s*0\)$/.test(style.outlineColor)};
}"""


def test_every_control_is_reachable_by_tab_with_a_visible_focus_ring(page):
    page.goto("/stages/3/")
    cells = page.locator(".matrix button").count()
    stops = []
    for _ in range(300):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info["tag"] == "BODY":
            break
        stops.append(info)
        if info["inEditor"]:
            page.keyboard.press("Escape")  # Tab indents in the editor; Esc lets the next Tab move on
    unringed = [s["name"] for s in stops if not s["ring"]]
    assert unringed == []
    names = [" ".join(s["name"].split()) for s in stops]
    for expected in ("Skip to content", "Stage 3 policy (YAML)", "Evaluate", "Reset to the stage's YAML",
                     "Download YAML", "Skip the matrix",
                     "dev/api-pod to dev/api-pod on TCP 3306: allowed, but nothing listens there. Explain",
                     "The picture in words",
                     "probe_from", "probe_to", "probe_port", "Check", "DB in its own namespace"):
        assert expected in names, expected
    # The matrix's 90 cells are one tab stop (arrow keys inside): the what-if form is a few Tabs away.
    assert cells == 90 and sum(s["tag"] == "BUTTON" and s["name"].endswith("Explain") for s in stops) == 1
    matrix = names.index("Skip the matrix")
    assert names.index("probe_from") - matrix < 8
    assert any(n.startswith("Stage 4:") for n in names)  # the pager, last on the page


def test_the_arrow_keys_move_through_the_matrix_and_enter_explains_with_the_lines_quoted(page):
    page.goto("/stages/3/")
    # The first cell: a pod to itself on a port it does not declare (nothing listens there).
    first = page.get_by_role(
        "button", name="dev/api-pod to dev/api-pod on TCP 3306: allowed, but nothing listens there. Explain")
    first.focus()
    for key in ("End", "Home", "ArrowDown", "ArrowDown", "ArrowDown"):
        page.keyboard.press(key)
    for _ in range(8):
        page.keyboard.press("ArrowRight")  # to prod/db's TCP 3306 column
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "prod/web to prod/db on TCP 3306: denied. Explain"
    page.keyboard.press("Enter")
    page.locator("#explanation .explanation").wait_for()
    assert "prod/web → prod/db on TCP 3306: denied" in page.locator("#explanation").inner_text()
    assert "- from:" in page.locator("#explanation .quoted-lines").inner_text()
    page.keyboard.press("Tab")  # the grid is one stop: Tab leaves it
    assert page.evaluate("document.activeElement.closest('table.matrix')") is None


def test_a_cell_opens_its_explanation_from_the_keyboard(page):
    page.goto("/stages/3/")
    page.get_by_role("button", name="prod/web to prod/db on TCP 3306: denied. Explain").focus()
    page.keyboard.press("Enter")
    page.locator("#explanation .explanation").wait_for()
    assert "prod/web → prod/db on TCP 3306: denied" in page.locator("#explanation").inner_text()
    assert page.locator("#explanation").get_attribute("aria-live") == "polite"


def test_screenshot_of_a_stage_page(page, tmp_path):
    page.set_viewport_size({"width": 1360, "height": 1000})
    page.goto("/stages/4/")
    cell(page, "prod/web", "prod/db").click()
    page.locator("#explanation .explanation").wait_for()
    shot = tmp_path / "stage.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    if os.environ.get("UPDATE_SCREENSHOT"):  # UPDATE_SCREENSHOT=1 refreshes the README's picture
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copy(shot, SCREENSHOT)
