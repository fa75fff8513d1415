"""The panel follows typing: one request per pause of 150 ms, each key's panel measured.

The figures (benchmarks/keystroke.py prints them the same way) are shown with `pytest -s`;
the test asserts the behaviour, and only a loose bound on time (speed belongs in benchmarks)."""

from __future__ import annotations

import pytest

from benchmarks.keystroke import measure, percentiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_key_gets_its_panel_soon_after_the_typing_pause(page):
    page.goto("/stages/3/")
    times = measure(page, keys=12, pause_ms=300)
    p50, p95 = percentiles(times)
    print(f"keystroke to panel over {len(times)} keys: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    assert len(times) == 12 and min(times) >= 150  # never before the pause is over
    assert p50 < 2000  # loose: a panel per key, not a benchmark


def test_a_burst_of_typing_sends_one_request_after_the_pause(page):
    page.goto("/stages/3/")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "evaluate" in r.url else None)
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# quick", delay=20)  # faster than the pause: one edit
    page.wait_for_timeout(1200)
    assert len(posts) == 1
