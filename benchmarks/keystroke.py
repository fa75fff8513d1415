"""Keystroke to panel: how long after a key press in the stage editor the new result panel is on
the page, in Debian's chromium.

    .venv/bin/python benchmarks/keystroke.py [--keys 40] [--stage 3]

Serves the site with the development server on a throwaway SQLite database (127.0.0.1), opens
the stage page, and types one character at a time at the end of the YAML, waiting for the
panel between keys: the time runs from the keydown event to htmx having swapped the new
#result in (the 150 ms typing pause, the request, the server, the swap). Prints p50 and p95.
tests/browser/test_typing.py runs the same measure() in the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# In the page: when each key went down, and when each new panel landed.
PROBE = """() => {
  window.keyDownAt = [];
  window.panelAt = [];
  document.addEventListener("keydown", () => window.keyDownAt.push(performance.now()), true);
  document.body.addEventListener("htmx:afterSettle", (e) => {
    if (e.detail.elt && e.detail.elt.id === "result") window.panelAt.push(performance.now());
  });
}"""


def measure(page, keys: int, pause_ms: int = 400) -> list[float]:
    """Milliseconds from each keydown to its panel, typing `keys` characters one by one at the end
    of the editor (a YAML comment, so the verdict stays the same and only the timing is read)."""
    page.evaluate(PROBE)
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("#")
    page.wait_for_function("() => window.panelAt.length >= 1")
    page.evaluate("() => { window.keyDownAt = []; window.panelAt = []; }")
    for n in range(1, keys + 1):
        page.keyboard.type("x")
        page.wait_for_function("(n) => window.panelAt.length >= n", arg=n, timeout=10_000)
        page.wait_for_timeout(pause_ms)
    downs, panels = page.evaluate("[window.keyDownAt, window.panelAt]")
    return [p - d for d, p in zip(downs, panels, strict=True)]


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def main():
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--stage", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/keys.sqlite3", "DEBUG": "1"}
        subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}",
                                   "--noreload"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                page = browser.new_page(base_url=f"http://127.0.0.1:{args.port}")
                page.goto(f"/stages/{args.stage}/")
                times = measure(page, args.keys)
                browser.close()
        finally:
            server.terminate()
            server.wait()
    p50, p95 = percentiles(times)
    print(f"keystroke to panel, stage {args.stage}, {len(times)} keys: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(the typing pause is 150 ms)")


if __name__ == "__main__":
    main()
