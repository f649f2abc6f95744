"""The care calendar, a batch under review with its approval and a notice with its delivery
report, in a browser at 390 and 1440 px: nothing wider than the screen, no axe violations;
screenshots kept in test-artifacts/."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.care import services
from kefu.care.choices import NoticeKind, Occasion
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox.choices import Channel
from kefu.outbox.models import OptOut

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def care_data(admin_user, supervisor, templates, org):
    today = timezone.localdate()
    customers = [
        CustomerFactory(name=name, grid="东1", org_unit=org["east_team"], birthday=date(1980, today.month, 1))
        for name in ("北方机械制造有限责任公司第三分厂", "城东实验小学", "张三")
    ]
    OptOut.objects.create(customer=customers[2], channel="")
    rule = services.care_rule_create(
        actor=admin_user,
        data={"name": "春节问候（三星客户）", "occasion": Occasion.SPRING_FESTIVAL, "channel": Channel.SMS,
              "purpose": "care_spring"},
    )  # fmt: skip
    batch, _created = services.care_batch_generate(actor=admin_user, rule=rule, day=date(today.year + 1, 2, 1))
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.UNPLANNED, "title": "10kV东线故障停电", "reason": "线路故障", "area": "东区",
              "channel": Channel.SMS, "starts_at": timezone.now(), "ends_at": timezone.now() + timedelta(hours=3),
              "grids": ["东1"]},
    )  # fmt: skip
    return {"batch": batch, "notice": notice}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_care_pages_fit_the_screen(browser, live_server, supervisor, care_data, prefix, viewport):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/care/")
    expect(page.locator("h1")).to_contain_text("关怀日历")
    expect(page.locator("main")).to_contain_text("3 位客户生日")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-care-calendar")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/care/batches/{care_data['batch'].pk}/")
    expect(page.locator("main")).to_contain_text("快乐！")  # the preview
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-care-batch")
    assert axe_violations(page) == []
    page.get_by_role("button", name="审批并发送").click()
    expect(page.locator("body")).to_contain_text("批次已审批")
    expect(page.locator("main")).to_contain_text("送达报告")
    page.goto(f"{live_server.url}/care/notices/{care_data['notice'].pk}/")
    expect(page.locator("main")).to_contain_text("10kV东线故障停电")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-care-notice")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/care/notices/new/")
    assert body_width(page) <= viewport["width"]
    assert axe_violations(page) == []
    page.context.close()


def test_the_admins_care_forms_fit_the_phone_and_pass_axe(browser, live_server, admin_user, templates, green_tier):
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    log_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/care/rules/")
    page.fill("input[name=name]", "中秋问候")
    page.select_option("select[name=occasion]", "mid_autumn")
    page.select_option("select[name=channel]", "sms")
    page.fill("input[name=purpose]", "care_spring")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("关怀规则已保存。")
    expect(page.locator("main")).to_contain_text("中秋问候")
    assert body_width(page) <= PHONE["width"]
    screenshot(page, "phone-care-rules")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/care/lines/")
    assert body_width(page) <= PHONE["width"]
    assert axe_violations(page) == []
    page.context.close()
