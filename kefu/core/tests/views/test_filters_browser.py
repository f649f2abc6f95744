"""A person at the screen with a bad filter in the address (an old link, a typo): the list is
shown, and a message names the filter that was left out."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import screenshot
from kefu.org.tests.factories import TEST_PASSWORD
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bad_filter_in_the_address_is_named_and_the_lists_still_shown(page, live_server, agent, own_customer):
    install_workflows()
    TicketFactory(owner=agent, customer=own_customer, title="停电未通知")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/customers/?account_manager=abc&kind=organisation")
    expect(page.locator(".alert-warning")).to_contain_text("客户经理")
    screenshot(page, "customer-list-bad-filter")
    page.goto(f"{live_server.url}/requests/?queue=all_open&customer=1e30&ticket_type=complaint")
    expect(page.locator(".alert-warning")).to_contain_text("客户")
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator("body")).to_contain_text("停电未通知")
    screenshot(page, "request-queue-bad-filter")
