"""Every agent page on a phone (390 px) and a desktop (1440 px), the error pages, the bell and
the audit trail, each kept as a screenshot in test-artifacts/ for people to look at."""

import re
from datetime import timedelta

import pytest
from django.urls import path
from django.utils import timezone
from playwright.sync_api import expect

from config import urls as project_urls
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _boom(request):
    raise RuntimeError("a defect")


urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]


@pytest.fixture
def sized(browser):
    """A page of the given viewport, in Chinese like the other browser tests; the menu, the bell
    and the error pages must run under the Content-Security-Policy (nothing it blocks)."""
    contexts, violations = [], []

    def open_page(viewport):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and violations.append((page.url, message.text)),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert violations == []


def a_working_day(agent, own_customer, org):
    """Requests with long titles and names, a customer with key persons: what makes a page wide."""
    install_workflows()
    now = timezone.now()
    KeyPersonFactory(customer=own_customer, name="刘总", taboos="忌周末来电")
    for i, name in enumerate(["北方机械制造有限责任公司第三分厂", "李娜", "城东实验小学（本部）"]):
        TicketFactory(
            owner=agent,
            customer=CustomerFactory(name=name),
            due_at=now + timedelta(hours=5 * i - 3),
            department=org["east"],
            title="小区计划停电未提前通知导致冰箱内食品变质要求赔偿",
        )
    return TicketFactory(owner=agent, customer=own_customer, title="计划停电未提前通知", department=org["east"])


def page_addresses(ticket, customer):
    return {
        "workbench": "/",
        "queue": "/requests/?queue=all_open",
        "request": f"/requests/{ticket.pk}/",
        "new-request": "/requests/new/",
        "customer-list": "/customers/",
        "customer-360": f"/customers/{customer.pk}/",
    }


def opened(page):
    """Wait until the menu has slid in (Bootstrap drops `showing` when the transition ends)."""
    sidebar = page.locator("#kefu-sidebar")
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar).not_to_have_class(re.compile(r"\bshowing\b"))


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_agent_page_fits_a_phone_with_the_sidebar_behind_the_menu_button(
    sized, live_server, agent, own_customer, org
):
    ticket = a_working_day(agent, own_customer, org)
    page = sized(PHONE)
    log_in(page, live_server, "agent")
    sidebar, menu = page.locator("#kefu-sidebar"), page.locator("#kefu-menu-button")
    for name, address in page_addresses(ticket, own_customer).items():
        page.goto(f"{live_server.url}{address}")
        expect(menu).to_be_visible()
        expect(sidebar).to_be_hidden()
        assert body_width(page) <= PHONE["width"], f"{name} is {body_width(page)} px wide"
        screenshot(page, f"phone-{name}")
        menu.click()
        expect(sidebar).to_be_visible()
        expect(sidebar.get_by_role("link", name="客户").first).to_be_in_viewport()
        opened(page)
        screenshot(page, f"phone-{name}-menu")
        sidebar.get_by_role("button", name="关闭菜单").click()
        expect(sidebar).to_be_hidden()


def test_the_menu_leads_to_another_page_on_a_phone(sized, live_server, agent, own_customer, org):
    a_working_day(agent, own_customer, org)
    page = sized(PHONE)
    log_in(page, live_server, "agent")
    page.locator("#kefu-menu-button").click()
    page.locator("#kefu-sidebar").get_by_role("link", name="服务工单").click()
    expect(page).to_have_url(f"{live_server.url}/requests/")
    expect(page.locator("#kefu-sidebar")).to_be_hidden()


def test_tables_scroll_inside_their_own_box_on_a_phone(sized, live_server, agent, own_customer, org):
    a_working_day(agent, own_customer, org)
    page = sized(PHONE)
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/?queue=all_open")
    table = page.locator("#ticket-table")
    expect(table).to_be_visible()
    box = page.locator("#ticket-table .table-responsive")
    sizes = box.evaluate("e => [e.clientWidth, e.scrollWidth]")
    assert sizes[0] <= PHONE["width"] < sizes[1]  # the table is wider than the phone: its box scrolls
    assert body_width(page) <= PHONE["width"]


def test_every_agent_page_keeps_the_sidebar_beside_it_on_a_desktop(sized, live_server, agent, own_customer, org):
    ticket = a_working_day(agent, own_customer, org)
    page = sized(DESKTOP)
    log_in(page, live_server, "agent")
    for name, address in page_addresses(ticket, own_customer).items():
        page.goto(f"{live_server.url}{address}")
        expect(page.locator("#kefu-sidebar")).to_be_visible()
        expect(page.locator("#kefu-menu-button")).to_be_hidden()
        assert body_width(page) <= DESKTOP["width"], f"{name} is {body_width(page)} px wide"
        screenshot(page, f"desktop-{name}")


def test_the_bell_counts_and_opens_a_notification_on_a_phone(
    sized, live_server, supervisor, handler, agent, own_customer, org
):
    ticket = a_working_day(agent, own_customer, org)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    page = sized(PHONE)
    log_in(page, live_server, "handler")
    expect(page.locator("#kefu-bell-count")).to_have_text("1")
    page.locator("#kefu-bell").click()
    item = page.locator("#kefu-bell-menu [data-notification]")
    expect(item).to_contain_text(ticket.number)
    assert body_width(page) <= PHONE["width"]
    screenshot(page, "phone-bell-open")
    item.click()
    expect(page).to_have_url(f"{live_server.url}/requests/{ticket.pk}/")
    expect(page.locator("#kefu-bell-count")).to_have_count(0)


@pytest.mark.urls(__name__)
def test_error_pages_are_styled_on_a_phone_and_a_desktop(sized, live_server, settings, agent, handler):
    settings.DEBUG = False
    for viewport, prefix in [(PHONE, "phone"), (DESKTOP, "desktop")]:
        page = sized(viewport)
        page.goto(f"{live_server.url}/no-such-page/")
        expect(page.locator(".kefu-error")).to_contain_text("页面不存在")
        screenshot(page, f"{prefix}-error-404-anonymous")
        log_in(page, live_server, "handler")
        page.goto(f"{live_server.url}/customers/")
        expect(page.locator(".kefu-error")).to_contain_text("无权访问")
        assert body_width(page) <= viewport["width"]
        screenshot(page, f"{prefix}-error-403")
        page.goto(f"{live_server.url}/boom/")
        expect(page.locator(".kefu-error")).to_contain_text("出错了")
        screenshot(page, f"{prefix}-error-500")
        page.get_by_role("link", name="返回我的工作台").click()
        expect(page).to_have_url(f"{live_server.url}/")


def test_the_login_lock_out_is_styled(sized, live_server, settings, agent):
    settings.AXES_FAILURE_LIMIT = 2
    page = sized(PHONE)
    for _attempt in range(3):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "agent")
        page.fill("input[name=password]", "wrong")
        page.click("button[type=submit]")
    expect(page.locator(".kefu-error")).to_contain_text("登录失败次数过多")
    screenshot(page, "phone-login-locked-out")
    page.get_by_role("link", name="前往登录页").click()
    expect(page.locator("input[name=username]")).to_be_visible()


def test_the_audit_trail_keeps_time_person_and_action_on_one_line(
    sized, live_server, auditor, supervisor, agent, handler, org
):
    install_workflows()
    for _i in range(3):
        ticket = TicketFactory(owner=agent, title="小区计划停电未提前通知导致冰箱内食品变质要求赔偿")
        services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    text_height = (
        "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().height; }"
    )
    for viewport, prefix in [(DESKTOP, "desktop"), (PHONE, "phone")]:
        page = sized(viewport)
        log_in(page, live_server, "auditor")
        page.goto(f"{live_server.url}/audit/?target_type=tickets.ticket")
        first_row = page.locator("#audit-table tbody tr").first
        expect(first_row).to_contain_text("处理人")
        line = first_row.locator("td").first.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        for column in range(3):  # time, person, action: one line each, not a character per line
            height = first_row.locator("td").nth(column).evaluate(text_height)
            assert height < 1.5 * line, f"{prefix}: column {column} wraps ({height} px of text, {line} px a line)"
        assert body_width(page) <= viewport["width"]
        screenshot(page, f"{prefix}-audit-trail")


def test_a_supervisor_finds_approvals_and_lifts_a_supervision_on_a_phone(
    sized, live_server, supervisor, agent, own_customer, org
):
    ticket = a_working_day(agent, own_customer, org)
    type(ticket).objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(days=1))
    ticket.refresh_from_db()
    services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )
    services.ticket_supervise(actor=supervisor, ticket=ticket, note="今日内答复")
    page = sized(PHONE)
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/requests/?queue=approvals")
    expect(page.locator("#ticket-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="待接收转办")).to_be_visible()
    assert body_width(page) <= PHONE["width"]
    screenshot(page, "phone-queue-approvals")
    page.locator("#ticket-table tbody tr a").first.click()
    page.get_by_text("解除督办").first.click()
    form = page.locator("#supervision-lift-form")
    expect(form).to_be_visible()
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("督办已解除")
    expect(page.locator("#ticket-timeline")).to_contain_text("已解除督办")
    screenshot(page, "phone-request-supervision-lifted")
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("#notification-list")).to_contain_text("解除督办")
    assert body_width(page) <= PHONE["width"]
    screenshot(page, "phone-notifications")
