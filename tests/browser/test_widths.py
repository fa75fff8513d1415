"""Every page fits a 390 px phone: nothing but the matrix, the editor and code blocks (each in its
own scroll box) is wider than the screen."""

from __future__ import annotations

import pytest

from trainer.catalog import beyond
from trainer.catalog.exercises import all_exercises
from trainer.catalog.stages import catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .filter(e => !e.closest('.matrix-wrap, .board-wrap, .CodeMirror, pre, .visually-hidden'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)"""


def pages():
    return (["/", "/stages/", "/lab/", "/quizzes/", "/progress/", "/accounts/login/", "/playground/",
             "/stages/beyond/"]
            + [f"/stages/{s.number}/" for s in catalog().stages]
            + [f"/stages/beyond/{lesson.slug}/" for lesson in beyond.lessons()]
            + [f"/lab/{e.id}/" for e in all_exercises()])


def test_no_page_is_wider_than_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    too_wide = {}
    for url in pages():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = (width, page.evaluate(WIDER, 390))
    context.close()
    assert too_wide == {}


def test_every_stage_matrix_fits_the_panel_at_1280_px(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cut = {}
    for stage in catalog().stages:
        page.goto(f"/stages/{stage.number}/")
        inner, box = page.evaluate("() => { const w = document.querySelector('.matrix-wrap');"
                                   " return [w.scrollWidth, w.clientWidth]; }")
        if inner > box:
            cut[stage.number] = (inner, box)
    context.close()
    assert cut == {}  # the last column in view, no scrolling
