"""At the screen (issue 15.13): the timeline says where a complaint was dispatched and what the
plan is, archiving picks the root-cause class from the admin's list, and the customer 360 page
lists the customer's requests."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.tickets import services
from kefu.tickets.tests.factories import install_workflows, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_timeline_and_the_customer_page_say_what_happened(page, live_server, agent, supervisor, own_customer, org):
    install_workflows()
    data = {"ticket_type": "complaint", "channel": "phone", "title": "计划停电未提前通知", "description": "停电8小时"}
    ticket, _ = services.ticket_create(actor=agent, data=data, customer=own_customer)
    step(ticket, agent, "acknowledge")
    step(ticket, agent, "assess_valid")
    step(ticket, agent, "dispatch", department=org["west"])
    step(ticket, agent, "propose_plan", resolution_plan="上门核查线路并书面致歉")
    step(ticket, supervisor, "approve_plan")
    step(ticket, agent, "implemented", resolution="已更换线路并致歉")
    step(ticket, agent, "customer_confirmed")

    log_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    timeline = page.locator("#ticket-timeline")
    expect(timeline).to_contain_text("城西分公司")
    expect(timeline).to_contain_text("上门核查线路并书面致歉")
    page.click("[data-step=archive]")
    form = page.locator("#step-form form")
    expect(form).to_be_visible()
    form.locator("[name=root_cause]").fill("停电通知短信未发送")
    form.locator("select[name=cause_class]").select_option(label="停送电")
    screenshot(page, "ticket-archive-root-cause-list")
    form.locator("button[type=submit]").click()
    expect(page.locator("#ticket-state")).to_have_text("已归档")
    expect(page.locator("#ticket-timeline")).to_contain_text("停送电")
    screenshot(page, "ticket-detail-timeline-details")

    page.goto(f"{live_server.url}/customers/{own_customer.pk}/")
    panel = page.locator("#customer-panel-requests")
    expect(panel).to_contain_text(ticket.number)
    expect(panel).to_contain_text("已归档")
    screenshot(page, "customer-360-requests")
