"""The queue and the request page on an office screen (1366×800) and at 200 % zoom (issue 22,
WCAG 1.4.10 reflow): the queue shows request, customer, state, who holds it and the deadline
without sideways scrolling; on the request page the next step comes before the timeline.

200 % zoom of a 1366×800 window is a 683×400 CSS-pixel viewport at twice the device pixels,
which is what the browser lays out when the user zooms."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "1366x800": {"viewport": {"width": 1366, "height": 800}, "device_scale_factor": 1},
    "zoom200": {"viewport": {"width": 683, "height": 400}, "device_scale_factor": 2},
}
ESSENTIAL = ["#", "customer", "status", "handler", "due"]


def busy_queue(agent, handler, org):
    """Long titles, long customer names, a handler and a department on every row: a wide queue."""
    install_workflows()
    now = timezone.now()
    tickets = []
    for i, name in enumerate(["北方机械制造有限责任公司第三分厂", "城东实验小学（本部）", "李娜"]):
        tickets.append(
            TicketFactory(
                owner=agent,
                assignee=handler,
                customer=CustomerFactory(name=name),
                due_at=now + timedelta(hours=5 * i - 3),
                department=org["east_team"],
                title="小区计划停电未提前通知导致冰箱内食品变质要求赔偿",
            )
        )
    return tickets


@pytest.fixture
def screen(browser):
    contexts = []

    def open_screen(name):
        context = browser.new_context(locale="zh-CN", **SCREENS[name])
        contexts.append(context)
        return context.new_page()

    yield open_screen
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", SCREENS)
def test_the_queue_shows_the_essential_columns_without_sideways_scrolling(
    screen, live_server, name, agent, handler, org
):
    busy_queue(agent, handler, org)
    page = screen(name)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/?queue=all_open")
    expect(page.locator("#ticket-table tbody tr")).to_have_count(3)
    width = SCREENS[name]["viewport"]["width"]
    box = page.locator("#ticket-table .table-responsive")
    client, scroll = box.evaluate("e => [e.clientWidth, e.scrollWidth]")
    assert scroll <= client, f"{name}: the table scrolls sideways ({scroll} px in {client} px)"
    for column in ESSENTIAL:
        cell = page.locator(f"#ticket-table th[data-column='{column}']")
        right = cell.evaluate("e => e.getBoundingClientRect().right")
        assert right <= width, f"{name}: the {column} column ends at {right} px, past {width} px"
    row = page.locator("#ticket-table tbody tr").first
    expect(row).to_contain_text("小区计划停电")  # the title stays in the row
    expect(row).to_contain_text("一班")  # the handling department moved into the handler's cell
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"queue-{name}")


@pytest.mark.parametrize("name", SCREENS)
def test_the_request_page_puts_the_next_step_before_the_timeline(screen, live_server, name, agent, handler, org):
    ticket = busy_queue(agent, handler, org)[0]
    page = screen(name)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    actions, timeline = page.locator("#ticket-actions"), page.locator("#ticket-timeline")
    expect(actions).to_be_visible()
    top = actions.evaluate("e => e.getBoundingClientRect().top")
    height = SCREENS[name]["viewport"]["height"]
    assert top < 1.5 * height, f"{name}: the next step starts {top} px down ({height} px a screen)"
    if name == "zoom200":  # one column: the step comes before the timeline
        assert top < timeline.evaluate("e => e.getBoundingClientRect().top")
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[name]["viewport"]["width"]
    screenshot(page, f"request-{name}")
