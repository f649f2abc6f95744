"""The outbox's pages in a browser at 390 and 1440 px: a template previewed for a real customer
and saved, the message list and a message: nothing wider than the screen, no accessibility
violations; screenshots kept in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.outbox.choices import Channel
from kefu.outbox.models import Message
from kefu.outbox.services import Recipient, messages_enqueue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_outbox_pages_fit_the_screen(browser, live_server, admin_user, prefix, viewport):
    customer = CustomerFactory(name="北方机械制造有限责任公司第三分厂")
    KeyPersonFactory(customer=customer, name="王总")
    messages_enqueue(
        actor=admin_user,
        purpose="notice",
        channel=Channel.SMS,
        recipients=[Recipient(customer_id=customer.pk)],
        body="尊敬的{{ customer_name }}：7月1日8:00–17:00计划停电。",
    )
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, admin_user.username)

    page.goto(f"{live_server.url}/outbox/templates/new/")
    page.fill("input[name=purpose]", f"care_{prefix}")
    page.select_option("select[name=channel]", "sms")
    page.fill("input[name=name]", "生日问候")
    page.fill("textarea[name=body]", "尊敬的{{ customer_name }}{{ key_person }}，祝您生日快乐！")
    page.fill("input[name=preview_customer]", str(customer.pk))
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#template-preview")).to_contain_text(
        "尊敬的北方机械制造有限责任公司第三分厂王总，祝您生日快乐！"
    )
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-outbox-template")
    assert axe_violations(page) == []
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("模板已保存。")

    page.goto(f"{live_server.url}/outbox/")
    expect(page.locator("h1")).to_have_text("消息发送")
    expect(page.locator("tbody")).to_contain_text("排队中")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-outbox-list")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/outbox/{Message.objects.get().pk}/")
    expect(page.locator("main")).to_contain_text("7月1日8:00–17:00计划停电")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-outbox-message")
    assert axe_violations(page) == []
