"""The request page and timeline say what happened (issue 15.13): what each step set, the new
deadline of an extension, the root-cause classes offered, and the customer 360 page listing the
customer's requests."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.tickets import services
from kefu.tickets.models import RootCause, Ticket
from kefu.tickets.tests.factories import step, walk_to_callback

COMPLAINT = {"ticket_type": "complaint", "channel": "phone", "title": "计划停电未提前通知", "description": "停电8小时"}


@pytest.fixture
def complaint(agent, own_customer):
    ticket, _created = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    return ticket


def timeline_html(client, ticket) -> str:
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    shown = page[page.index('id="ticket-timeline"') :]
    return shown[: shown.index("</ul>")]


def api_events(client, ticket) -> list[dict]:
    return client.get(f"/api/v1/requests/{ticket.pk}/events/").json()


def test_the_timeline_names_the_department_a_request_was_dispatched_to(client_for, agent, complaint, org):
    step(complaint, agent, "acknowledge")
    step(complaint, agent, "assess_valid")
    step(complaint, agent, "dispatch", department=org["west"])
    client = client_for(agent)
    assert "城西分公司" in timeline_html(client, complaint)
    dispatched = next(e for e in api_events(client, complaint) if e["data"].get("transition") == "dispatch")
    assert dispatched["data"]["fields"] == {"department": "城西分公司"}


def test_the_timeline_shows_the_plan_text(client_for, agent, complaint):
    step(complaint, agent, "acknowledge")
    step(complaint, agent, "assess_valid")
    step(complaint, agent, "propose_plan", resolution_plan="上门核查线路并书面致歉")
    assert re.search(r"处理方案.*上门核查线路并书面致歉", timeline_html(client_for(agent), complaint))


def test_the_timeline_shows_why_a_complaint_was_closed_as_invalid(client_for, agent, complaint, own_customer):
    step(complaint, agent, "acknowledge")
    step(complaint, agent, "assess_invalid", invalid_reason="客户内部线路故障，非供电企业责任")
    assert "客户内部线路故障，非供电企业责任" in timeline_html(client_for(agent), complaint)
    # The customer 360 timeline says it too.
    page = client_for(agent).get(reverse("customers:detail", args=[own_customer.pk])).content.decode()
    assert "客户内部线路故障，非供电企业责任" in page


def test_the_timeline_shows_the_new_deadline_after_an_extension(client_for, policy, agent, supervisor, complaint):
    new_due = Ticket.objects.get(pk=complaint.pk).due_at + timedelta(days=5)
    extension = services.ticket_extension_request(
        actor=agent, ticket=complaint, new_due_at=new_due, reason="需协调施工"
    )
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    shown = timeline_html(client_for(agent), complaint)
    assert re.search(rf"新的期限.*{timezone.localtime(new_due):%Y-%m-%d %H:%M}", shown)


def test_archiving_offers_the_active_root_cause_classes_of_the_admins_list(client_for, agent, supervisor, complaint):
    RootCause.objects.filter(name="电网建设").update(is_active=False)
    walk_to_callback(complaint, agent, supervisor)
    form = client_for(agent).get(reverse("tickets:transition", args=[complaint.pk, "archive"])).content.decode()
    select = form[form.index('name="cause_class"') : form.index("</select>", form.index('name="cause_class"'))]
    assert "停送电" in select and "供电质量" in select
    assert "电网建设" not in select  # deactivated by the admin
    assert "<textarea" not in select and 'type="text"' not in select


def test_the_customer_360_page_lists_the_customers_requests(client_for, manager, agent, own_customer):
    first, _ = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    second, _ = services.ticket_create(actor=agent, data={**COMPLAINT, "title": "电压不稳"}, customer=own_customer)
    page = client_for(manager).get(reverse("customers:detail", args=[own_customer.pk])).content.decode()
    panel = page[page.index('id="customer-panel-requests"') :]
    panel = panel[: panel.index("</ul>")]
    assert panel.index(second.number) < panel.index(first.number)  # newest first
    assert reverse("tickets:detail", args=[first.pk]) in panel and "已受理" in panel
    assert f"{timezone.localtime(first.created_at):%Y-%m-%d}" in panel  # the registration day, local time
