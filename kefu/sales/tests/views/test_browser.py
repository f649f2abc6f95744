"""The sales pages in a browser at 390 and 1440 px: nothing wider than the screen, no
accessibility violations; a prospect won through the page; screenshots kept in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.sales.tests.factories import CompetitorRecordFactory, ProspectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_sales_pages_fit_the_screen(browser, live_server, manager, own_customer, prefix, viewport):
    ProspectFactory(created_by=manager, name="北方机械制造有限责任公司第三分厂", industry="制造")
    CompetitorRecordFactory(customer=own_customer, recorded_by=manager, competitor="顺达物流", price=980)
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    for path, name, text in [
        ("/sales/", "pipeline", "北方机械制造有限责任公司第三分厂"),
        ("/sales/price-requests/", "price-requests", "3 个工作日内书面答复"),
        ("/sales/targets/", "targets", "名单制集团客户保有率"),
        (f"/sales/customers/{own_customer.pk}/competitors/", "competitors", "顺达物流"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_contain_text(text)
        assert body_width(page) <= viewport["width"], path
        screenshot(page, f"{prefix}-sales-{name}")
        assert axe_violations(page) == [], path


def test_a_prospect_is_won_by_converting_it_on_its_page(browser, live_server, manager):
    prospect = ProspectFactory(created_by=manager, name="华新建材")
    page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/sales/prospects/{prospect.pk}/")
    page.fill("input[name=mobile]", "13912345678")
    page.get_by_role("button", name="转为正式客户").click()
    expect(page.locator("body")).to_contain_text("潜在客户已转为客户 华新建材。")
    expect(page.locator("#customer-panel-competitors")).to_be_visible()
    screenshot(page, "desktop-sales-converted-customer")
