"""The assignment pages in a browser, on a phone (390 px) and a desktop (1440 px): a supervisor
works out the automatic assignment, reads the preview and applies it; nothing is wider than the
screen; screenshots kept in test-artifacts/ for people to look at."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_supervisor_previews_and_applies_the_assignment(
    browser, live_server, supervisor, book, team, prefix, viewport
):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/managers/")
    expect(page.locator("#manager-table")).to_contain_text("钱首席")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"{prefix}-account-managers")
    page.get_by_role("button", name="计算自动分配").click()
    expect(page.locator("#plan-status")).to_have_text("预览（尚未保存）")
    expect(page.locator("#plan-reasons")).to_contain_text("客户等级需要更高级别的客户经理")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"{prefix}-assignment-preview")
    assert Customer.objects.get(pk=book["top"].pk).account_manager == team["b"]  # nothing saved yet
    page.click("#plan-apply")
    expect(page.locator("#plan-status")).to_have_text("已执行")
    assert Customer.objects.get(pk=book["top"].pk).account_manager == team["chief"]
    page.context.close()
