"""The practice lab in Debian's chromium: solve an exercise with the editor and the terminal."""

import pytest
from playwright.sync_api import expect

from tests.lab.lab_fixtures import SOLUTION, install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "lab-db-from-api"
PROBE = "kubectl exec -n prod web -- nc -zv -w 2 db 3306"


@pytest.fixture(autouse=True)
def lab_lessons(tmp_path, settings):
    install(tmp_path, settings)


def run(page, line: str) -> str:
    """Type a command into the terminal, press Enter, and return the new entry's output."""
    entries = page.locator("#scrollback .entry")
    before = entries.count()
    page.fill("#command", line)
    page.press("#command", "Enter")
    entries.nth(before).wait_for()
    return entries.nth(before).inner_text()


def test_solve_an_exercise_with_the_editor_and_the_terminal(page):
    page.goto(f"/lab/{SLUG}/")
    assert page.locator("h1").inner_text().startswith("Only the API reaches the database")

    assert "web-policy   app=web" in run(page, "kubectl get netpol -n prod")
    assert "succeeded!" in run(page, PROBE)
    assert page.locator("#command").input_value() == ""  # ready for the next command
    assert page.evaluate("document.activeElement.id") == "command"

    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SOLUTION)
    assert "networkpolicy.networking.k8s.io/db-policy created" in run(page, "kubectl apply -f -")
    assert "timed out: Operation now in progress" in run(page, PROBE)
    assert "succeeded!" in run(page, "kubectl exec -n prod api-pod -- nc -zv -w 2 db 3306")
    assert "PodSelector: name=api-pod" in run(page, "kubectl describe netpol db-policy -n prod")

    assert page.locator("#solution pre").count() == 0
    page.click("#answer-form button[type=submit]")
    page.locator("#grade h2", has_text="Passed").wait_for()
    assert "score 100/100" in page.locator("#grade").inner_text()
    assert page.locator("#status").text_content().strip() == "Passed"
    assert page.locator("#attempt-count").inner_text() == "1 attempt, best score 100"
    assert "role: db" in page.locator("#solution pre").inner_text()

    page.reload()  # the terminal's transcript and the pass survive a reload
    assert PROBE in page.locator("#scrollback").inner_text()
    page.goto("/lab/")
    card = page.locator(".exercise-card", has_text="Only the API reaches the database")
    assert card.locator(".tag.yes").text_content() == "Passed"


def test_clear_reset_and_history_from_the_keyboard(page):
    page.goto(f"/lab/{SLUG}/")
    assert 'networkpolicy.networking.k8s.io "web-policy" deleted' in run(
        page, "kubectl delete netpol web-policy -n prod")
    run(page, "kubectl get ns")
    page.press("#command", "ArrowUp")
    page.press("#command", "ArrowUp")
    assert page.locator("#command").input_value() == "kubectl delete netpol web-policy -n prod"
    page.press("#command", "ArrowDown")
    assert page.locator("#command").input_value() == "kubectl get ns"
    page.fill("#command", "")
    page.fill("#command", "clear")
    page.press("#command", "Enter")
    expect(page.locator("#scrollback .entry")).to_have_count(0)
    assert "No resources found" in run(page, "k get netpol -n prod")
    page.fill("#command", "reset")
    page.press("#command", "Enter")
    page.locator("#scrollback .entry", has_text="back as the exercise starts").wait_for()
    assert page.locator("#scrollback .entry").count() == 1
    assert "web-policy" in run(page, "k get netpol -n prod")


def test_without_javascript_the_terminal_and_grading_still_work(nojs_page):
    page = nojs_page
    page.goto(f"/lab/{SLUG}/")
    page.fill("#command", "kubectl get pods -n prod")
    page.press("#command", "Enter")
    page.wait_for_url(f"**/lab/{SLUG}/#terminal")
    assert "api-pod   1/1     Running" in page.locator("#scrollback").inner_text()
    page.fill("#yaml", SOLUTION)
    page.click("#answer-form button[type=submit]")
    page.locator("#grade h2", has_text="Passed").wait_for()
    assert "role: db" in page.locator("#solution pre").inner_text()


def test_the_panel_follows_the_editor_and_explains_a_cell(page):
    page.goto(f"/lab/{SLUG}/")
    panel = page.locator("#result")
    expect(panel.locator(".diff")).to_contain_text("This is the starting point")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SOLUTION)
    expect(panel.locator(".diff")).to_contain_text("opened prod/api-pod → prod/db TCP 3306")
    page.locator('#result button[aria-label^="prod/api-pod to prod/db on TCP 3306:"]').click()
    expect(page.locator("#explanation")).to_contain_text("allowed by ingress rule 1 of prod/db-policy")
    page.click("text=Hide reachability")
    expect(page.locator("#live-panel")).to_contain_text("Show reachability as I type")
    assert page.locator("#result").count() == 0
