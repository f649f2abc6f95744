"""The desk, the call screen with its script, the satisfaction page and its two exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.callbacks import services
from kefu.callbacks.models import Callback
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, step

pytestmark = pytest.mark.django_db


def closed_repair(owner, customer):
    ticket = TicketFactory(owner=owner, customer=customer, ticket_type="repair", title="路灯不亮")
    step(ticket, owner, "resolve_now", resolution="已更换灯泡")
    step(ticket, owner, "close")
    return ticket


def test_desk_lists_due_callbacks_nearest_first_and_shows_who_is_calling(at, agent, second_agent, manager, client_for):
    vip = CustomerFactory(name="星级酒店", tier="三星", account_manager=manager)
    at("2026-03-03", 10, 0)
    first = closed_repair(manager, vip)
    at("2026-03-03", 11, 0)
    second = closed_repair(manager, vip)
    at("2026-03-06", 9, 0)  # both due today (10:00 and 11:00)
    services.callback_claim(actor=second_agent, callback=Callback.objects.get(ticket=second))
    page = client_for(agent).get(reverse("callbacks:desk")).content.decode()
    assert page.index(first.number) < page.index(second.number)
    assert "钱坐席" in page  # second is being called by the other agent: no Call button for it
    assert page.count('action="/callbacks/') == 1


def test_call_screen_shows_the_customer_the_request_and_the_script_with_its_branches(
    complaint_at_callback, agent, client_for
):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    page = client_for(agent).get(reverse("callbacks:call", args=[task.pk])).content.decode()
    assert "张三" in page and complaint_at_callback.number in page
    assert "您好，我是孙坐席，请问您是张三吗？" in page
    assert "请问您对这次服务满意吗？" in page
    assert "能否告诉我您对哪方面不满意？" in page and "感谢您的答复" in page
    for label in ("满意", "基本满意", "一般", "不满意"):
        assert f">{label}</label>" in page


def test_the_result_form_names_a_missing_answer(complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    response = client_for(agent).post(
        reverse("callbacks:result", args=[task.pk]), {"version": task.version + 1, "result": "unsatisfied"}
    )
    assert response.status_code == 400
    assert "请记下客户对什么不满意。" in response.content.decode()


def test_pages_refuse_users_without_the_capability_and_tasks_out_of_scope(
    complaint_at_callback, handler, other_manager, client_for
):
    task = Callback.objects.get(ticket=complaint_at_callback)
    assert client_for(handler).get(reverse("callbacks:desk")).status_code == 403
    assert client_for(other_manager).get(reverse("callbacks:call", args=[task.pk])).status_code == 404
    assert client_for(other_manager).post(reverse("callbacks:claim", args=[task.pk])).status_code == 404
    assert client_for(handler).get(reverse("callbacks:satisfaction")).status_code == 403
    assert client_for(other_manager).get(reverse("callbacks:satisfaction")).status_code == 403


@pytest.fixture
def called(at, agent, manager, supervisor):
    """Four callbacks of the manager's work in March 2026: 满意, 基本满意, 一般, 不满意."""
    customer = CustomerFactory(name="星级酒店", tier="三星", account_manager=manager, org_unit=manager.org_unit)
    at("2026-03-03", 10, 0)
    tickets = [closed_repair(manager, customer) for _ in range(4)]
    for ticket, result in zip(tickets, ["satisfied", "basically", "average", "unsatisfied"], strict=True):
        task = Callback.objects.get(ticket=ticket)
        services.callback_claim(actor=agent, callback=task)
        services.callback_record(actor=agent, callback=task, result=result, comment='=HYPERLINK("x")')
    return tickets


def test_satisfaction_is_satisfied_and_basically_satisfied_over_successful_callbacks(called, supervisor, client_for):
    page = (
        client_for(supervisor)
        .get(reverse("callbacks:satisfaction"), {"since": "2026-03-01", "until": "2026-03-31", "by": "staff"})
        .content.decode()
    )
    assert 'id="stat-rate">50.0%' in page  # (1 + 1) ÷ 4, 一般 does not count as satisfied
    assert "王经理" in page


def test_the_record_sheet_and_the_summary_report_export(called, supervisor, client_for):
    query = {"since": "2026-03-01", "until": "2026-03-31"}
    records = client_for(supervisor).get(reverse("callbacks:records_export"), query)
    sheet = load_workbook(io.BytesIO(records.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 4
    assert {row[10] for row in rows} == {"满意", "基本满意", "一般", "不满意"}
    assert all(row[13].startswith("=") and sheet.cell(row=3, column=14).quotePrefix for row in rows)
    summary = client_for(supervisor).get(reverse("callbacks:summary_export"), query)
    values = {row[0]: row[1] for row in load_workbook(io.BytesIO(summary.content)).active.iter_rows(values_only=True)}
    assert values["满意度（%）"] == 50
    assert values["成功回访数"] == 4
