"""The key-account page in a browser at 390 and 1440 px: a supervisor adds a deputy, starts a plan
and adds an item; nothing wider than the screen, no accessibility violations; screenshots kept in
test-artifacts/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_key_account_page_fits_the_screen(browser, live_server, supervisor, account, prefix, viewport):
    from kefu.accountmanagers.tests.factories import make_manager
    from kefu.org.choices import ManagerLevel

    second = make_manager(supervisor.org_unit, "孙执行", level=ManagerLevel.SECONDARY)
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/keyaccounts/")
    expect(page.locator("h1")).to_have_text("大客户")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-keyaccount-list")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/keyaccounts/{account.pk}/")
    page.select_option("select[name=user]", str(second.pk))
    page.select_option("select[name=role]", "deputy")
    page.get_by_role("button", name="加入团队").click()
    expect(page.locator("#keyaccount-team")).to_contain_text("孙执行")
    year = timezone.localdate().year
    plan_form = page.locator("form[action$='/plans/']")  # the agreement form has a title field too
    plan_form.locator("input[name=title]").fill(f"{year}年度大客户服务方案")
    plan_form.locator("input[name=starts_on]").fill(f"{year}-01-01")
    plan_form.locator("input[name=ends_on]").fill(f"{year}-12-31")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("body")).to_contain_text("服务方案已保存。")
    page.locator("select[name$=kind]").first.select_option("report")
    page.locator("input[name$='-title']").first.fill("向集团总部报送季度服务报告")
    page.locator("input[name$=due_on]").first.fill(f"{year}-04-10")
    page.get_by_role("button", name="添加事项").click()
    expect(page.locator("body")).to_contain_text("已完成 0 / 1")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-keyaccount-detail")
    assert axe_violations(page) == []
    page.context.close()
