"""Take screenshots of a running Kefu (e.g. `make run`) for people to look at.

.venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 out-dir
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = [
    ("agent", "/", "workbench"),
    ("agent", "/customers/", "customers"),
    ("agent", "/requests/?queue=all_open", "queue"),
    ("supervisor", "/reports/complaints/", "complaint-analysis"),
    ("supervisor", "/customers/data-quality/", "data-quality"),
    ("auditor", "/audit/", "audit"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(base: str, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for user in sorted({p[0] for p in PAGES}):
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", "kefu2026")
            page.click("button[type=submit]")
            for who, path, name in PAGES:
                if who == user:
                    page.goto(base + path)
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            if user == "agent":
                page.goto(base + "/customers/")
                page.locator("#customer-table tbody a").first.click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / "customer-360.png"), full_page=True)
                page.goto(base + "/requests/?queue=all_open")
                page.locator("#ticket-table tbody a, table tbody a").first.click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / "request.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
