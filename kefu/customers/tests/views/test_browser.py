"""A person at the screen: log in, find a customer, open the 360 page, reveal, add a note."""

import re

import pytest
from playwright.sync_api import expect

from kefu.core.testing.browser import log_in, screenshot
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_finds_a_customer_by_phone_and_reveals_the_number(page, live_server, agent, own_customer):
    KeyPersonFactory(customer=own_customer, name="刘总", taboos="忌周末来电")
    CustomerFactory.create_batch(5)
    log_in(page, live_server, "agent")
    screenshot(page, "workbench-agent")
    page.get_by_role("link", name=re.compile("客户|Customers")).first.click()
    page.fill("#id_q", own_customer.mobile)
    expect(page.locator("#customer-table tbody tr")).to_have_count(1)
    expect(page.locator("#customer-table")).to_contain_text(own_customer.masked_mobile)
    screenshot(page, "customer-list-search")
    page.get_by_role("link", name=own_customer.name).click()
    expect(page.locator("h1")).to_contain_text(own_customer.name)
    expect(page.locator("body")).not_to_contain_text(own_customer.mobile)
    page.locator("#reveal-mobile button").click()
    expect(page.locator("#reveal-mobile")).to_contain_text(own_customer.mobile)
    page.fill("textarea[name=text]", "客户来电咨询峰谷电价")
    page.locator("#customer-timeline button[type=submit]").click()
    expect(page.locator(".kefu-timeline")).to_contain_text("客户来电咨询峰谷电价")
    screenshot(page, "customer-360")


def test_manager_edits_a_customer_and_sees_field_errors_first(page, live_server, manager, own_customer):
    log_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/customers/{own_customer.pk}/edit/")
    page.fill("input[name=mobile]", "123")
    page.click("form.card button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("123")
    screenshot(page, "customer-edit-errors")
    page.fill("input[name=mobile]", "１３９ ０００٠ ٠٠٠١".replace("٠", "0"))
    page.click("form.card button[type=submit]")
    expect(page.locator("h1")).to_contain_text(own_customer.name)
    expect(page.locator(".kefu-timeline")).to_contain_text("手机号码")  # the field as the form names it


def test_login_form_refuses_a_wrong_password(page, live_server, manager):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_be_visible()
    screenshot(page, "login-error")


@pytest.mark.parametrize("width", [390, 1440])
def test_manager_imports_an_office_file_with_a_title_above_the_header(page, live_server, manager, width):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in [
        ["2026年城东供电所客户台账"],
        [],
        ["户名", "联系电话", "用电地址", "台区"],
        ["张伟", "13800000001", "中山路1号", "1号台区"],
    ]:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/customers/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": data.getvalue()}]
    )
    page.click("form.card button[type=submit]")
    expect(page.locator("#import-preview tr.table-primary")).to_contain_text("户名")
    expect(page.locator("#column_0")).to_have_value("name")
    screenshot(page, f"import-mapping-{width}")
    page.locator("form.card button.btn-primary").click()
    expect(page.locator("#import-summary")).to_contain_text("1")
    page.locator("#import-summary ~ form button[type=submit]").first.click()
    expect(page.locator("#import-status")).to_have_class(re.compile("text-bg-success"))
    screenshot(page, f"import-done-{width}")
