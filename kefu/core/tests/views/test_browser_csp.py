"""The Content-Security-Policy blocks nothing Kefu's own pages need: no violation is reported
while people use the pages whose behaviour changed for it (confirm, language switch, customer
lookup with Enter, step form cancel, charts, API docs)."""

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in
from kefu.tickets.tests.factories import TicketFactory, install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kefus_pages_run_under_the_content_security_policy(page, live_server, supervisor, agent, own_customer):
    install_workflows()
    ticket = TicketFactory(owner=supervisor, customer=own_customer)
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append((page.url, message.text)),
    )
    log_in(page, live_server, "supervisor")

    page.goto(f"{live_server.url}/requests/new/")
    page.fill("#customer-lookup", own_customer.name)
    page.press("#customer-lookup", "Enter")  # searches at once, does not submit the form
    expect(page.locator("#customer-results")).to_contain_text(own_customer.name)
    expect(page).to_have_url(f"{live_server.url}/requests/new/")

    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    page.click("[data-step=acknowledge]")
    expect(page.locator("#step-form form")).to_be_visible()
    page.click("#step-form [data-cancel-step]")
    expect(page.locator("#step-form form")).to_have_count(0)

    page.goto(f"{live_server.url}/customers/{own_customer.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Delete this customer?" — no
    page.click("form[data-confirm] button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/customers/{own_customer.pk}/")

    page.goto(f"{live_server.url}/reports/complaints/")
    expect(page.locator("#chart-monthly canvas")).to_have_count(1)

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

    page.goto(f"{live_server.url}/")
    page.select_option("#language-select", "en")
    page.locator("#language-select").locator("xpath=..").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_the_admin_runs_under_the_content_security_policy(page, live_server, admin_user):
    install_workflows()
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append((page.url, message.text)),
    )
    log_in(page, live_server, "admin")
    for path in ["/admin/", "/admin/tickets/workflow/", "/admin/tickets/workflow/add/", "/admin/sla/slapolicy/add/"]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
    assert violations == []
