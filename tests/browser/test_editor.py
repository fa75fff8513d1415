"""The YAML editor: indentation typed by the learner is kept as typed, not doubled."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editor_text(page) -> str:
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def test_a_line_typed_with_its_own_indentation_keeps_it(page):
    page.goto("/stages/1/")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("spec:")
    page.keyboard.press("Enter")
    page.keyboard.type("  podSelector: {}")  # typed with its own two spaces
    page.keyboard.press("Enter")
    page.keyboard.type("  ingress: []")
    assert editor_text(page) == "spec:\n  podSelector: {}\n  ingress: []"


def test_enter_alone_keeps_the_previous_indentation(page):
    page.goto("/stages/1/")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("spec:")
    page.keyboard.press("Enter")
    page.keyboard.type("  podSelector:")
    page.keyboard.press("Enter")
    page.keyboard.type("matchLabels: {}")  # relies on the editor's indentation
    assert editor_text(page) == "spec:\n  podSelector:\n  matchLabels: {}"
