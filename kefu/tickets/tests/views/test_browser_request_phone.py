"""A request on a phone: the next step is found without scrolling past the whole timeline."""

import pytest

from kefu.core.testing.browser import log_in, screenshot
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1440])
def test_the_next_step_comes_before_the_timeline_on_a_phone_and_beside_it_on_a_desktop(
    browser, live_server, agent, own_customer, width
):
    install_workflows()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    for i in range(8):  # a working timeline: notes pile up above the steps' card on a phone
        services.ticket_comment(actor=agent, ticket=ticket, body=f"第{i}次联系客户", internal=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 844})
    page = context.new_page()
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    actions = page.locator("#ticket-actions").bounding_box()
    timeline = page.locator("#ticket-timeline").bounding_box()
    details = page.locator("#ticket-header").bounding_box()
    if width == 390:
        assert details["y"] < actions["y"] < timeline["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    else:  # the desktop keeps its two columns: the steps on the right, level with the request
        assert actions["x"] > timeline["x"] + timeline["width"] and actions["y"] < timeline["y"]
    screenshot(page, f"request-next-step-{width}")
    context.close()
