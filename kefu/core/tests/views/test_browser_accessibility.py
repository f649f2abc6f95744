"""WCAG 2.1 A/AA (axe-core) on every page an agent and a supervisor reach, and on the panels those
pages open: the bell, the request page's step forms and "More actions" panels.

Pages are found by following the links of each page (one page per address pattern, ids and
query strings aside), so a page another app adds to the sidebar or links from a page is checked
without being listed here."""

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not Kefu's own screens (Django's admin, the API browser and docs), leaving, and files.
NOT_PAGES = ("/accounts/logout/", "/admin/", "/api/", "/static/", "/media/", "/i18n/")
MOST_PAGES = 80


def a_day_with_every_panel(agent, supervisor, own_customer, org):
    """Requests due soon, overdue and later, one supervised with an extension waiting: what draws
    every badge, deadline colour and decision panel."""
    install_workflows()
    now = timezone.now()
    KeyPersonFactory(customer=own_customer, name="刘总", taboos="忌周末来电")
    for i, name in enumerate(["北方机械制造有限责任公司第三分厂", "李娜", "城东实验小学（本部）"]):
        TicketFactory(
            owner=agent,
            customer=CustomerFactory(name=name),
            due_at=now + timedelta(hours=5 * i - 3),
            department=org["east"],
            title="小区计划停电未提前通知导致冰箱内食品变质要求赔偿",
        )
    ticket = TicketFactory(owner=agent, customer=own_customer, title="计划停电未提前通知", department=org["east"])
    type(ticket).objects.filter(pk=ticket.pk).update(due_at=now + timedelta(days=1))
    ticket.refresh_from_db()
    services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )
    services.ticket_supervise(actor=supervisor, ticket=ticket, note="今日内答复")
    return ticket


def pattern(address: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(address).path)


def links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.getAttribute('href'))")
    found = []
    for href in hrefs:
        address = urljoin(page.url, href).split("#")[0]
        if address.startswith(base) and not urlsplit(address).path.startswith(NOT_PAGES):
            found.append(address)
    return found


def is_page(page, address: str) -> bool:
    response = page.request.get(address, max_redirects=0)
    return response.status == 200 and response.headers.get("content-type", "").startswith("text/html")


def open_panels(page) -> list[str]:
    """Open what a page opens in place and check it open: the bell's list, every "More actions"
    panel (its form is fetched when it opens) and each next-step form."""
    found = []
    bell = page.locator("#kefu-bell")
    if bell.count():
        bell.click()
        page.wait_for_load_state("networkidle")
        found += [f"bell: {line}" for line in axe_violations(page, "#kefu-bell-menu")]
        page.keyboard.press("Escape")
    details = page.locator("details")
    for i in range(details.count()):
        details.nth(i).evaluate("d => { d.open = true; }")
    page.wait_for_load_state("networkidle")
    if details.count():
        found += [f"panels: {line}" for line in axe_violations(page)]
    steps = page.locator("[data-step]")
    for i in range(steps.count()):
        step = steps.nth(i)
        name = step.inner_text()
        step.click()
        page.wait_for_load_state("networkidle")
        found += [f"step {name}: {line}" for line in axe_violations(page, "#step-form")]
    return found


def crawl(page, base: str, start: list[str]) -> tuple[list[str], list[str]]:
    queue, seen, visited, found = list(start), set(), [], []
    while queue and len(visited) < MOST_PAGES:
        address = queue.pop(0)
        if pattern(address) in seen:
            continue
        seen.add(pattern(address))
        if not is_page(page, address):
            continue
        page.goto(address)
        visited.append(address)
        found += [f"{address} {line}" for line in axe_violations(page)]
        queue += links(page, base)
        found += [f"{address} {line}" for line in open_panels(page)]
    return visited, found


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_every_page_and_panel_meets_wcag_21_aa(browser, live_server, role, agent, supervisor, own_customer, org):
    ticket = a_day_with_every_panel(agent, supervisor, own_customer, org)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    log_in(page, live_server, role)
    base = live_server.url
    start = [
        f"{base}/",
        f"{base}/requests/?queue=all_open",
        f"{base}/requests/{ticket.pk}/",
        f"{base}/customers/{own_customer.pk}/",
    ]
    visited, found = crawl(page, base, start)
    context.close()
    print(f"{role}: {len(visited)} pages checked:", *visited, sep="\n  ")  # shown with pytest -s
    assert len(visited) >= 5, visited
    assert found == [], f"{len(found)} WCAG 2.1 A/AA violations on {len(visited)} pages:\n" + "\n".join(found)
