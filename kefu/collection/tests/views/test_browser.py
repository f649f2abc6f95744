"""The arrears list, an arrear worked in a browser (soft reminder, then a call, then a promise)
and the rates page at 390 and 1440 px: nothing wider than the screen, no axe violations;
screenshots kept in test-artifacts/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.collection.models import CollectionStep
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory

from ..factories import ArrearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_collection_pages_fit_the_screen_and_an_arrear_is_worked_soft_first(
    browser, live_server, manager, org, prefix, viewport
):
    today = timezone.localdate()
    customer = CustomerFactory(
        name="北方机械制造有限责任公司第三分厂", code="C001", account_manager=manager, org_unit=org["east_team"]
    )
    arrear = ArrearFactory(customer=customer, amount=Decimal("12345.60"), due_date=today - timedelta(days=5))
    ArrearFactory(customer=CustomerFactory(name="城东实验小学", account_manager=manager, org_unit=org["east_team"]))
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/collection/?state=overdue")
    expect(page.locator("h1")).to_have_text("欠费催缴")
    expect(page.locator("tbody")).to_contain_text("12345.60")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-collection-arrears")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/collection/{arrear.pk}/")
    expect(page.locator("main")).to_contain_text("先柔性催费")
    page.get_by_role("button", name="发送柔性催费提醒").click()
    expect(page.locator("body")).to_contain_text("已进入发送队列")
    page.select_option("select[name=kind]", "call")
    page.fill("textarea[name=outcome]", "客户财务说月底前缴清")
    page.get_by_role("button", name="记录电话或走访").click()
    expect(page.locator("body")).to_contain_text("客户财务说月底前缴清")
    page.fill("input[name=promised_on]", str(today + timedelta(days=7)))
    page.get_by_role("button", name="登记承诺").click()
    expect(page.locator("body")).to_contain_text("已登记承诺缴费。")
    assert list(CollectionStep.objects.values_list("kind", flat=True).order_by("pk")) == ["reminder", "call"]
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-collection-arrear")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/collection/rates/")
    expect(page.locator("h1")).to_have_text("电费回收率")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-collection-rates")
    assert axe_violations(page) == []
