"""People at the screen: an agent registers a complaint for a caller found by phone and takes
it through the first steps; the supervisor approves the resolution plan."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def take_step(page, code, **fields):
    page.click(f"[data-step={code}]")
    form = page.locator("#step-form form")
    expect(form).to_be_visible()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def some_work(agent, manager, org):
    """A queue that looks like a working day: due dates past, near and far; a caller without a customer."""
    now = timezone.now()
    for customer, due, extra in [
        (CustomerFactory(name="北方机械厂"), now - timedelta(hours=3), {"supervised": True, "priority": "urgent"}),
        (CustomerFactory(name="李娜"), now + timedelta(hours=5), {"ticket_type": "repair", "title": "单元楼停电"}),
        (
            CustomerFactory(name="城东小学"),
            now + timedelta(days=3),
            {"ticket_type": "inquiry", "title": "咨询峰谷电价"},
        ),
        (None, now + timedelta(days=2), {"caller_name": "陈先生", "caller_phone": "13712345678", "channel": "counter"}),
    ]:
        TicketFactory(owner=agent, customer=customer, due_at=due, department=org["east"], **extra)
    TicketFactory(
        owner=manager, customer=CustomerFactory(name="王建国"), assignee=manager, due_at=now + timedelta(days=1)
    )


def test_a_complaint_from_phone_call_to_approved_plan(page, live_server, agent, manager, supervisor, own_customer, org):
    install_workflows()
    some_work(agent, manager, org)
    log_in(page, live_server, "agent")
    screenshot(page, "workbench-agent-requests")

    # 1. The call comes in: find the customer by phone, register the complaint.
    page.get_by_role("link", name="新建工单").first.click()
    page.fill("#customer-lookup", own_customer.mobile)
    expect(page.locator("#customer-results")).to_contain_text(own_customer.masked_mobile)
    expect(page.locator("#customer-results")).not_to_contain_text(own_customer.mobile)
    page.locator("#customer-results button").first.click()
    expect(page.locator("#chosen-customer")).to_contain_text(own_customer.name)
    expect(page.locator("#remedy-field")).to_be_hidden()
    page.select_option("#id_ticket_type", "complaint")
    expect(page.locator("#remedy-field")).to_be_visible()
    page.fill("#id_title", "计划停电未提前通知")
    page.fill("#id_description", "小区昨日停电8小时，没有收到任何通知，冰箱内食品变质。")
    page.fill("#id_remedy_requested", "书面道歉并赔偿食品损失")
    screenshot(page, "ticket-create")
    page.click("#ticket-create-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("计划停电未提前通知")
    expect(page.locator("#ticket-state")).to_have_text("已受理")

    # 2. Acknowledge, assess valid, propose a plan (which needs the plan itself).
    take_step(page, "acknowledge")
    expect(page.locator("#ticket-state")).to_have_text("已告知受理")
    take_step(page, "assess_valid")
    expect(page.locator("#ticket-state")).to_have_text("调查中")
    take_step(page, "propose_plan")
    expect(page.locator("#step-form .invalid-feedback")).to_be_visible()
    screenshot(page, "ticket-step-form-error")
    page.locator("#step-form [name=resolution_plan]").fill("上门道歉，按规定赔偿食品损失200元")
    page.locator("#step-form button[type=submit]").click()
    expect(page.locator("#ticket-state")).to_have_text("方案待审批")
    page.fill("#comment-form textarea[name=body]", "已致电客户告知方案正在审批")
    page.click("#comment-form button[value=reply]")
    expect(page.locator("#customer-replies")).to_contain_text("已致电客户告知方案正在审批")
    page.fill("#comment-form textarea[name=body]", "客户情绪激动，回访时注意措辞")
    page.click("#comment-form button[value=internal_note]")
    expect(page.locator("#ticket-timeline")).to_contain_text("客户情绪激动")
    expect(page.locator("#customer-replies")).not_to_contain_text("客户情绪激动")
    expect(page.locator("[data-step=approve_plan]")).to_have_count(0)  # agents do not approve
    screenshot(page, "ticket-detail-agent")

    # 3. The supervisor finds it in the queue and approves the plan.
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/requests/?queue=all_open")
    expect(page.locator("#ticket-table tbody tr")).to_have_count(6)
    screenshot(page, "ticket-queue")
    page.fill("#id_q", "计划停电")
    expect(page.locator("#ticket-table tbody tr")).to_have_count(1)
    page.locator("#ticket-table tbody tr a").first.click()
    take_step(page, "approve_plan", note="同意，今日内上门")
    expect(page.locator("#ticket-state")).to_have_text("方案实施中")
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "ticket-detail-supervisor")


def test_an_unidentified_caller_is_linked_to_the_customer_found_by_name(page, live_server, agent, own_customer):
    install_workflows()
    caller = TicketFactory(owner=agent, caller_name="张先生", caller_phone="13712345678", title="来电反映电压不稳")
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/{caller.pk}/")
    expect(page.locator("#ticket-customer")).to_contain_text("137****5678")
    page.fill("#customer-lookup", own_customer.name)
    page.locator("#customer-results button").first.click()
    expect(page.locator("#chosen-customer")).to_contain_text(own_customer.name)
    expect(page.locator("#customer-results button")).to_have_count(0)
    page.click("#link-customer-form button[type=submit]")
    expect(page.locator("#ticket-customer")).to_contain_text(own_customer.masked_mobile)
    expect(page.locator("#ticket-timeline")).to_contain_text(own_customer.name)
    photo = {"name": "电压记录.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8 a photo"}
    page.set_input_files("#attach-form input[type=file]", files=[photo])
    page.click("#attach-form button[type=submit]")
    expect(page.locator("#ticket-attachments")).to_contain_text("电压记录.jpg")


def test_a_missed_time_limit_shows_on_the_request_page(page, live_server, agent, own_customer):
    from kefu.sla.models import SlaClock
    from kefu.sla.services import sla_install_preset
    from kefu.sla.timers import sla_sweep
    from kefu.tickets import services

    install_workflows()
    sla_install_preset(preset="utility")
    data = {"ticket_type": "complaint", "channel": "phone", "title": "频繁停电", "description": "一周停电三次"}
    ticket, _created = services.ticket_create(actor=agent, data=data, customer=own_customer)
    SlaClock.objects.filter(ticket=ticket).update(due_at=timezone.now() - timedelta(minutes=5))
    sla_sweep()
    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    expect(page.locator("#ticket-timeline")).to_contain_text("超出时限")
    screenshot(page, "ticket-detail-breached")


def test_a_supervisor_opens_the_supervise_panel_and_flags_it(page, live_server, supervisor, agent, own_customer):
    ticket = TicketFactory(owner=agent, customer=own_customer, title="多次报修未处理")
    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    panel = page.locator("#supervise-form-panel")
    expect(panel.locator("form")).to_have_count(0)  # fetched only when opened
    panel.locator("summary").click()
    panel.locator("textarea[name=note]").fill("今日内答复客户")
    screenshot(page, "ticket-detail-supervise-panel")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".badge.text-bg-danger", has_text="督办")).to_be_visible()
    expect(page.locator("#ticket-timeline")).to_contain_text("今日内答复客户")
