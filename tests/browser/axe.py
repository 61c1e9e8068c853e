"""Run axe-core in a Playwright page and fail on serious or critical violations."""

from __future__ import annotations

import json
from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
# The pages' Content Security Policy blocks inline scripts, so axe is offered at a
# same-origin address that Playwright answers from the vendored file; the page's CSP
# stays in force while axe runs.
AXE_PATH = "/__browser-tests__/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(page) -> list[dict]:
    """Return axe's violations for the page as it is now.

    Rules: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
    """
    # A click that follows a link does not wait for the next page: let it load first,
    # or axe is offered to a document that has no head yet.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        url = page.evaluate("location.origin") + AXE_PATH
        page.route(
            url,
            lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"),
            times=1,
        )
        page.add_script_tag(url=url)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        RULE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=2)


def assert_no_serious_violations(page, where: str = "") -> list[dict]:
    """Fail when axe finds a serious or critical violation; return the lesser ones."""
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations on {where or page.url}:\n{describe(blocking)}"
    return violations
