"""Finding a request at the screen: the workbench's most urgent ones open their pages."""

import re

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.tickets.tests.factories import install_workflows

from .test_browser import some_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_workbench_opens_the_most_urgent_request_and_the_card_its_queue(page, live_server, agent, manager, org):
    install_workflows()
    some_work(agent, manager, org)
    log_in(page, live_server, "agent")
    screenshot(page, "workbench-urgent-links")
    page.get_by_role("link", name=re.compile("单元楼停电")).click()
    expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
    expect(page.get_by_text("单元楼停电").first).to_be_visible()
    page.go_back()
    page.get_by_role("link", name=re.compile("已超期")).first.click()  # the rest of a card opens its queue
    expect(page).to_have_url(re.compile(r"/requests/\?queue=overdue"))
