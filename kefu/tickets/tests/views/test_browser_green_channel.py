"""The green channel in a browser, on a phone (390 px) and a desktop (1440 px): the green request
heads the queue with its badge, the request page and the customer 360 show the badge, and no
page is wider than the screen (screenshots green-channel-*.png in test-artifacts/)."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.models import Tier
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import COMPLAINT, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_green_request_heads_the_queue_with_its_badge(size, page, live_server, agent, manager, org):
    install_workflows()
    # A transactional test starts from an emptied database: the default tiers of migration 0005 are gone.
    Tier.objects.get_or_create(code="三星", defaults={"label": "三星", "rank": 1, "green_channel": True})
    Tier.objects.get_or_create(code="一星", defaults={"label": "一星", "rank": 3})
    vip = CustomerFactory(name="绿色通道客户", tier="三星", account_manager=manager, org_unit=org["east_team"])
    plain = CustomerFactory(name="普通客户", tier="一星", account_manager=manager, org_unit=org["east_team"])
    green, _ = services.ticket_create(actor=agent, data={**COMPLAINT, "title": "大客户专线中断"}, customer=vip)
    services.ticket_create(actor=agent, data={**COMPLAINT, "title": "普通停电投诉"}, customer=plain)  # the newer
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, "agent")

    page.goto(f"{live_server.url}/requests/?queue=all_open")
    first_row = page.locator("#ticket-table tbody tr").first
    expect(first_row).to_contain_text("大客户专线中断")
    expect(first_row.locator(".badge-green-channel")).to_be_visible()
    _fits(page)
    screenshot(page, f"green-channel-queue-{size}")

    page.goto(f"{live_server.url}/requests/{green.pk}/")
    expect(page.locator("#ticket-header .badge-green-channel")).to_have_text("绿色通道")
    _fits(page)
    screenshot(page, f"green-channel-request-{size}")

    page.goto(f"{live_server.url}/customers/{vip.pk}/")
    expect(page.locator("h1 .badge-green-channel")).to_be_visible()
    _fits(page)
    screenshot(page, f"green-channel-customer-{size}")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
