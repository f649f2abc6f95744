"""The visit plan, a manager's month calendar and the visit record in a browser at 390 and
1440 px: nothing wider than the screen; screenshots kept in test-artifacts/."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory
from kefu.visits import services
from kefu.visits.models import Visit, VisitFrequency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def plan(manager, org):
    VisitFrequency.objects.get_or_create(tier="", defaults={"every_months": 12})
    for i, name in enumerate(["北方机械制造有限责任公司第三分厂", "城东实验小学", "张三"]):
        CustomerFactory(name=name, account_manager=manager, org_unit=org["east_team"], has_valid_phone=bool(i))
    services.visits_plan()
    first = Visit.objects.get(customer__name="城东实验小学")
    today = timezone.localdate()
    at = datetime(today.year, today.month, min(today.day, 27), 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    services.visit_book(actor=manager, visit=first, appointment_at=at, purpose="年度走访")
    return first


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_visit_pages_fit_the_screen(browser, live_server, manager, plan, prefix, viewport):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/visits/")
    expect(page.locator("h1")).to_have_text("走访计划")
    expect(page.locator("tbody tr").first).to_contain_text("无有效电话")  # no valid phone first
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-visit-plan")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/visits/calendar/")
    expect(page.locator("main")).to_contain_text("15:00 城东实验小学")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-visit-calendar")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/visits/{plan.pk}/")
    page.fill("textarea[name=outcome]", "设备运行正常，客户满意")
    page.fill("textarea[name=issues]", "配电房照明损坏")
    page.get_by_role("button", name="记录走访").click()
    expect(page.locator("body")).to_contain_text("走访已记录。")
    page.get_by_role("button", name="登记为工单").click()
    expect(page.locator("body")).to_contain_text("已登记工单")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-visit-record")
    assert axe_violations(page) == []
    page.context.close()
