"""axe-core in the page, for the accessibility checks: served to Playwright's page under a
same-origin path from tests/browser/vendor (the site never serves it), so that the site's own
Content-Security-Policy stays as it is."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
URL = "/__test-tools__/axe.min.js"
BLOCKING = ("serious", "critical")

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def serve(page) -> None:
    """Let the page load axe from URL (call once per page, before navigating)."""
    page.route(f"**{URL}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))


def violations(page, impacts=BLOCKING) -> list[dict]:
    """axe's violations of the page as it is now, of the given impacts."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=URL)
    return [v for v in page.evaluate(RUN) if v["impact"] in impacts]
