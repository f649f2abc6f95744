"""The book pages in a browser, on a phone (390 px) and a desktop (1440 px): nothing wider than
the screen, the filters work, screenshots kept in test-artifacts/ for people to look at."""

from datetime import date

import pytest
from playwright.sync_api import expect

from kefu.accountmanagers import books
from kefu.accountmanagers.models import ManagerProfile
from kefu.accountmanagers.tests.book_fixtures import default_tiers, pending_proposal
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.choices import CustomerKind
from kefu.customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def a_book(manager, org):
    """A manager's book with a top-tier organisation missing data, and a grade change proposed."""
    default_tiers()
    ManagerProfile.objects.create(user=manager, capacity=40, grids=["城东一网格", "城东二网格"])
    top = CustomerFactory(
        name="北方机械制造有限责任公司第三分厂",
        kind=CustomerKind.ORGANISATION,
        tier="三星",
        grid="城东一网格",
        account_manager=manager,
        org_unit=org["east_team"],
    )
    for i in range(6):
        CustomerFactory(
            name=f"城东实验小学（本部）{i}",
            tier="一星" if i % 2 else "二星",
            grid="城东二网格",
            credit_rating="A",
            potential="high",
            customer_since=date(2018, 1, 1),
            account_manager=manager,
            org_unit=org["east_team"],
        )
    CustomerFactory(name="无人负责的客户", tier="三星", account_manager=None, org_unit=org["east_team"])
    pending_proposal(top, "二星")
    return top


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_managers_book_fits_the_screen_and_filters(browser, live_server, manager, a_book, prefix, viewport):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/managers/books/")
    page.wait_for_function("() => window.htmx !== undefined")  # htmx has taken up the filter form
    expect(page.locator("h1")).to_have_text("我的管户")
    expect(page.locator("#book-total")).to_have_text("7")
    expect(page.locator("#book-table")).to_contain_text("绿色通道")
    assert body_width(page) <= viewport["width"]
    assert axe_violations(page) == []
    screenshot(page, f"{prefix}-book")
    page.select_option("select[name=incomplete]", "true")
    expect(page.locator("#book-table tbody tr")).to_have_count(1, timeout=15_000)  # a loaded machine
    expect(page.locator("#book-table")).to_contain_text("北方机械制造有限责任公司第三分厂")
    expect(page.locator("#book-table")).to_contain_text("拟调整为：二星")
    screenshot(page, f"{prefix}-book-to-complete")
    page.context.close()


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_books_overview_fits_the_screen(browser, live_server, supervisor, a_book, prefix, viewport):
    books.books_refresh()
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/managers/books/")
    expect(page.locator("h1")).to_have_text("客户经理管户总览")
    expect(page.locator("#books-unassigned")).to_have_text("1")
    expect(page.locator("#books-grids")).to_contain_text("城东二网格")
    assert body_width(page) <= viewport["width"]
    assert axe_violations(page) == []
    screenshot(page, f"{prefix}-books-overview")
    page.click("#books-unassigned")
    expect(page.locator("#customer-table")).to_contain_text("无人负责的客户")
    page.context.close()
