"""axe-core (from the npm lockfile: node_modules/axe-core) run in a browser test's page.

Only the WCAG 2.0/2.1 level A and AA rules run: what GB/T 37668-2019 and issue 22 ask for."""

from pathlib import Path

from django.conf import settings

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, include: str | None = None) -> list[str]:
    """One line per failing node: the rule, the element and what axe says is wrong.

    The script is evaluated through the browser's debugging protocol, not added as a <script>,
    so the page's Content-Security-Policy stays in force while it runs."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if not AXE_SCRIPT.exists():
            raise AssertionError(f"{AXE_SCRIPT} is missing: `make assets` installs the npm lockfile")
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async ([include, tags]) => {
            const context = include ? {include: [include]} : document;
            const found = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            const line = (v, n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: `
                + `${n.failureSummary.replace(/\\s+/g, ' ')} | ${n.html.slice(0, 160)}`;
            return found.violations.flatMap(v => v.nodes.map(n => line(v, n)));
        }""",
        [include, WCAG_AA],
    )
    return results
