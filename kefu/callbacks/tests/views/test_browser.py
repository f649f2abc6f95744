"""The callback desk, the call screen and the satisfaction page in a browser, on a phone (390 px)
and a desktop (1440 px): nothing wider than the screen, a call taken from claim to result,
screenshots kept in test-artifacts/ for people to look at."""

import pytest
from playwright.sync_api import expect

from kefu.callbacks.models import Callback
from kefu.core.testing.axe import axe_violations
from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, walk_to_callback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def complaints(agent, supervisor, manager, org):
    """Three complaints of the manager's customers waiting for their callback."""
    tickets = []
    for name in ["北方机械制造有限责任公司第三分厂", "城东实验小学", "张三"]:
        customer = CustomerFactory(name=name, account_manager=manager, org_unit=org["east_team"])
        ticket = TicketFactory(owner=agent, customer=customer, title=f"{name}：计划停电未提前通知")
        walk_to_callback(ticket, agent, supervisor)
        tickets.append(ticket)
    return tickets


def body_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_callback_from_the_desk_to_its_result(browser, live_server, agent, supervisor, complaints, prefix, viewport):
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/callbacks/?show=all")
    expect(page.locator("h1")).to_have_text("回访台")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-callback-desk")
    assert axe_violations(page) == []
    page.locator("tbody tr").first.get_by_role("button", name="回访").click()
    expect(page.locator("h1")).to_contain_text("回访")
    expect(page.locator(".kefu-script")).to_contain_text("您好，我是孙坐席")
    assert body_width(page) <= viewport["width"]
    page.fill("textarea[name=question]", "挺好的，处理得很及时")
    page.get_by_label("基本满意", exact=True).check()
    screenshot(page, f"{prefix}-callback-call")
    assert axe_violations(page) == []
    page.get_by_role("button", name="记录回访结果").click()
    expect(page.locator("body")).to_contain_text("回访结果已记录。")
    page.goto(f"{live_server.url}/callbacks/?show=all")
    expect(page.locator("tbody tr")).to_have_count(2)
    task = Callback.objects.get(ticket=complaints[0])
    assert (task.result, task.answers["question"]) == ("basically", "挺好的，处理得很及时")
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/callbacks/satisfaction/")
    expect(page.locator("#stat-rate")).to_have_text("100.0%")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-callback-satisfaction")
    assert axe_violations(page) == []
    page.context.close()


@pytest.mark.parametrize(("prefix", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_a_service_campaign_page_fits_the_screen(browser, live_server, agent, manager, org, prefix, viewport):
    from kefu.callbacks import campaigns
    from kefu.customers.choices import CustomerKind

    head = CustomerFactory(name="如家酒店集团总部", kind=CustomerKind.ORGANISATION, account_manager=manager)
    for i in range(3):
        CustomerFactory(name=f"如家酒店城东第{i + 1}分店（长途汽车站店）", parent=head, account_manager=manager)
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=head.pk)
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    log_in(page, live_server, agent.username)
    page.goto(f"{live_server.url}/callbacks/campaigns/{campaign.pk}/")
    first = page.locator("li.list-group-item").first
    first.get_by_role("button", name="回访", exact=True).click()  # the site is claimed before it is called
    first = page.locator("li.list-group-item").first
    first.locator("select[name=result]").select_option("average")
    first.locator("textarea[name=faults]").fill("3号热水炉漏水")
    first.get_by_role("button", name="记录").click()
    page.get_by_role("button", name="登记为工单").click()
    expect(page.locator("body")).to_contain_text("已登记工单")
    expect(page.locator("#stat-faults")).to_have_text("1")
    assert body_width(page) <= viewport["width"]
    screenshot(page, f"{prefix}-callback-campaign")
    assert axe_violations(page) == []
    page.context.close()
