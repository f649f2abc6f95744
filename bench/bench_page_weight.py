"""Page weight and load time on a branch office's slow link (issue 22): each page loaded in
Debian's chromium with Chromium's network throttling (1.5 Mbit/s both ways, 40 ms latency),
cold (empty cache, signed in) and warm (the same page again: the HTML is fetched again, static
files come from the browser's cache).

Run against a running Kefu with DEBUG off and collected static files (`make run` does both):

    .venv/bin/python bench/bench_page_weight.py --url http://127.0.0.1:8000 [--rounds 5]

It signs in as the demo agent and supervisor (password kefu2026), opens a request and a
customer found on their pages, and prints one line per page: bytes moved cold (as sent, i.e.
compressed, including what is fetched after the load event) and the median load-event time
cold and warm over the rounds; for the complaint analysis also when its charts were drawn. Nothing here is
imported by the application or the tests."""

import argparse
import statistics
import sys
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINK = {"offline": False, "latency": 40, "downloadThroughput": 1_500_000 / 8, "uploadThroughput": 1_500_000 / 8}
TARGETS = {"cold": 1.5, "warm": 0.3, "complaint analysis cold": 2.5}

TIMING = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    return {load: nav.loadEventEnd, bytes: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
            files: resources.length + 1};
}"""


def throttled(context):
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", LINK)
    return page


def measure(page, url):
    page.goto(url, wait_until="load")
    timing = page.evaluate(TIMING)
    # The complaint analysis fetches ECharts after its load event: when were the charts drawn?
    timing["drawn"] = None
    if page.locator("#complaint-charts").count():
        page.wait_for_selector("#complaint-charts[data-drawn]", state="attached", timeout=60_000)
        timing["drawn"] = page.evaluate("performance.now()")
        timing = {**page.evaluate(TIMING), "load": timing["load"], "drawn": timing["drawn"]}
    return timing


def signed_in_state(browser, base, username, password):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(urljoin(base, "/accounts/login/"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(urljoin(base, "/"))
    # One request and one customer to open: the first of each list.
    page.goto(urljoin(base, "/requests/?queue=all_open"))
    request = page.locator("#ticket-table tbody a.font-monospace").first.get_attribute("href")
    customer = None
    if page.goto(urljoin(base, "/customers/")).status == 200:
        customer = page.locator("#customer-table tbody a").first.get_attribute("href")
    state = context.storage_state()
    context.close()
    return state, request, customer


def pages_of(role, request, customer):
    pages = {
        "workbench": "/",
        "queue": "/requests/?queue=all_open",
        "request": request,
        "new request": "/requests/new/",
    }
    if customer:
        pages |= {"customer list": "/customers/", "customer 360": customer}
    if role == "supervisor":
        pages = {"complaint analysis": "/reports/complaints/", "queue (supervisor)": "/requests/?queue=department"}
    return pages


def run(base, rounds, password):
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        jobs = [("login", None, {"login page": "/accounts/login/"})]
        for role in ["agent", "supervisor"]:
            state, request, customer = signed_in_state(browser, base, role, password)
            jobs.append((role, state, pages_of(role, request, customer)))
        for _role, state, pages in jobs:
            for name, path in pages.items():
                cold, warm, drawn, weight = [], [], [], None
                for _ in range(rounds):
                    context = browser.new_context(locale="zh-CN", storage_state=state)
                    page = throttled(context)
                    first = measure(page, urljoin(base, path))
                    second = measure(page, urljoin(base, path))
                    context.close()
                    cold.append(first["load"] / 1000)
                    warm.append(second["load"] / 1000)
                    if first["drawn"] is not None:
                        drawn.append((first["drawn"] / 1000, second["drawn"] / 1000))
                    weight = (first["bytes"], first["files"], second["bytes"])
                charts = None
                if drawn:
                    charts = tuple(statistics.median(times) for times in zip(*drawn, strict=True))
                rows.append((name, weight, statistics.median(cold), statistics.median(warm), charts))
        browser.close()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--password", default="kefu2026")
    options = parser.parse_args()
    rows = run(options.url, options.rounds, options.password)
    print(f"1.5 Mbit/s, 40 ms; median of {options.rounds} rounds; KiB as sent (compressed)")
    print("| page | cold: KiB, files | cold load | warm: KiB | warm load |")
    print("|---|---|---|---|---|")
    missed = []
    for name, (cold_bytes, files, warm_bytes), cold, warm, charts in rows:
        print(f"| {name} | {cold_bytes / 1024:.0f}, {files} | {cold:.2f} s | {warm_bytes / 1024:.0f} | {warm:.2f} s |")
        if charts:
            print(f"| {name}: charts drawn | | {charts[0]:.2f} s | | {charts[1]:.2f} s |")
        limit = TARGETS.get(f"{name} cold", TARGETS["cold"])
        if cold > limit or warm > TARGETS["warm"]:
            missed.append(name)
    if missed:
        print(f"over the targets (cold {TARGETS['cold']} s, analysis 2.5 s, warm 0.3 s): {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
