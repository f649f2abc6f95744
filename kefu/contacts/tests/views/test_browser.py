"""The contacts due and logging a contact in a browser at 390 and 1440 px: a key account not
called today is on the list, logging the call takes it off; nothing wider than the screen, no
accessibility violation; screenshots kept in test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.contacts.due import contacts_due_refresh
from kefu.contacts.models import ContactLog, ContactPlan
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_manager_calls_a_key_account_due_today_and_it_leaves_the_list(
    browser, live_server, manager, org, prefix, viewport
):
    # A transactional test empties the tables after each test, the migration's plans included.
    ContactPlan.objects.get_or_create(tier="三星", defaults={"every_days": 1, "channel": "phone"})
    customer = CustomerFactory(
        name="北方机械制造有限责任公司第三分厂", tier="三星", account_manager=manager, org_unit=org["east_team"]
    )
    ContactLog.objects.create(
        customer=customer,
        user=manager,
        contacted_at=timezone.now() - timedelta(days=1),
        channel="phone",
        summary="昨日问候",
    )
    contacts_due_refresh()
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/contacts/")
    expect(page.locator("h1")).to_have_text("待联系客户")
    expect(page.locator("tbody")).to_contain_text("北方机械制造有限责任公司第三分厂")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-contacts-due")
    assert axe_violations(page) == []
    page.get_by_role("link", name="记录联系").first.click()
    expect(page.locator("h1")).to_contain_text("记录联系")
    page.fill("textarea[name=summary]", "电话问候，客户用电正常")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-contacts-log")
    assert axe_violations(page) == []
    page.get_by_role("button", name="保存联系记录").click()
    expect(page.locator("body")).to_contain_text("联系已记录。")
    expect(page.locator("main")).not_to_contain_text("北方机械制造有限责任公司第三分厂")
