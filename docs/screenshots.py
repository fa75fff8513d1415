"""Take the README's screenshots in Debian's chromium.

    .venv/bin/python docs/screenshots.py

Runs the development server on a throwaway SQLite database at 127.0.0.1:8765, creates
the demo class (manage.py demo_class) and photographs, at 1280 px wide: stage 3 of the
walkthrough with the explanation of one connection open (docs/screenshot-stage.png) and
the class dashboard (docs/screenshot-dashboard.png).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
PASSWORD = "demo-screenshot-1"


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/shots.sqlite3", "DEBUG": "1"}
        manage(env, "migrate")
        manage(env, "demo_class", "--learners", "24")
        manage(env, "shell", "-c", "from trainer.accounts.models import User; "
               f"u = User.objects.get(username='demo-teacher'); u.set_password('{PASSWORD}'); u.save()")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            shoot(f"http://127.0.0.1:{PORT}")
        finally:
            server.terminate()
            server.wait()


def shoot(base: str):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 800})
        page.goto("/stages/3/")
        page.locator('#result button[aria-label^="prod/web to prod/db on TCP 3306:"]').click()
        page.locator("#explanation .explanation").wait_for()
        page.locator(".CodeMirror .cm-line-decided").first.wait_for()
        top, height = page.evaluate("""() => [
            document.querySelector('main').getBoundingClientRect().top + window.scrollY,
            document.documentElement.scrollHeight]""")
        page.screenshot(path=str(ROOT / "docs" / "screenshot-stage.png"), full_page=True,
                        clip={"x": 0, "y": top, "width": 1280, "height": min(2300, height - top)})
        page.goto("/accounts/login/")
        page.fill("#id_username", "demo-teacher")
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.goto("/classes/")
        page.click(".class-list a")
        page.locator("#board-rows").wait_for()
        page.screenshot(path=str(ROOT / "docs" / "screenshot-dashboard.png"))
        browser.close()


if __name__ == "__main__":
    main()
