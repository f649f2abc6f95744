"""What approvers see and do: extension decisions reach the person who asked, a supervision can
be lifted (page and API), and supervisors have queues for incoming transfers and approvals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.audit.models import AuditEvent
from kefu.core.testing.factories import TicketFactory
from kefu.inbox.models import Notification
from kefu.tickets import selectors, services
from kefu.tickets.models import Ticket, TicketEvent


@pytest.fixture
def own_ticket(agent, own_customer):
    return TicketFactory(owner=agent, customer=own_customer)


def _with_extension(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=30))
    ticket.refresh_from_db()
    return services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )


def _supervised(ticket, supervisor):
    return services.ticket_supervise(actor=supervisor, ticket=ticket, note="今日内答复")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# Extension decisions


def test_an_approved_extension_tells_the_requester_the_new_deadline(supervisor, agent, own_ticket):
    extension = _with_extension(own_ticket, agent)
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    notice = Notification.objects.get(recipient=agent, kind="extension_decided")
    new_due = timezone.localtime(extension.new_due_at)
    assert own_ticket.number in notice.text and f"{new_due:%Y-%m-%d %H:%M}" in notice.text
    assert notice.ticket_id == own_ticket.pk


def test_a_rejected_extension_tells_the_requester_too(supervisor, agent, own_ticket):
    extension = _with_extension(own_ticket, agent)
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=False)
    notice = Notification.objects.get(recipient=agent, kind="extension_decided")
    assert "未获批准" in notice.text


# Lifting a supervision


def test_lifting_a_supervision_clears_the_flag_audits_it_and_tells_the_people(supervisor, agent, own_ticket):
    _supervised(own_ticket, supervisor)
    services.ticket_supervision_lift(actor=supervisor, ticket=own_ticket, note="已办结")
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert not ticket.supervised
    assert TicketEvent.objects.filter(ticket=ticket, kind="supervision_lifted", actor=supervisor).exists()
    audit = AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk).first()
    assert audit.changes == {"supervised": [True, False]} and audit.actor == supervisor
    assert Notification.objects.filter(recipient=agent, kind="supervision_lifted", ticket=ticket).exists()


def test_a_request_not_under_supervision_cannot_have_it_lifted(supervisor, own_ticket):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.ticket_supervision_lift(actor=supervisor, ticket=own_ticket)
    assert not AuditEvent.objects.filter(target_type="tickets.ticket", target_id=own_ticket.pk).exists()


def test_the_request_page_offers_lifting_only_while_supervised(client_for, supervisor, own_ticket):
    url, lift = (
        reverse("tickets:detail", args=[own_ticket.pk]),
        reverse("tickets:supervision_lift", args=[own_ticket.pk]),
    )
    assert lift not in client_for(supervisor).get(url).content.decode()
    _supervised(own_ticket, supervisor)
    assert lift in client_for(supervisor).get(url).content.decode()


def test_a_supervisor_lifts_a_supervision_from_the_page(client_for, supervisor, own_ticket):
    _supervised(own_ticket, supervisor)
    response = client_for(supervisor).post(reverse("tickets:supervision_lift", args=[own_ticket.pk]), {"note": "好"})
    assert response.status_code == 302
    assert not Ticket.objects.get(pk=own_ticket.pk).supervised


def test_an_agent_cannot_lift_a_supervision_page_or_api(client_for, supervisor, agent, own_ticket):
    _supervised(own_ticket, supervisor)
    assert client_for(agent).post(reverse("tickets:supervision_lift", args=[own_ticket.pk])).status_code == 403
    assert api(agent).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}).status_code == 403
    assert Ticket.objects.get(pk=own_ticket.pk).supervised


def test_lifting_through_the_api_answers_with_the_request(supervisor, own_ticket):
    _supervised(own_ticket, supervisor)
    response = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert response.status_code == 200 and response.json()["supervised"] is False
    again = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert again.status_code == 400


def test_a_supervision_outside_the_scope_is_not_found(supervisor, admin_user, foreign_customer, other_manager):
    ticket = TicketFactory(owner=other_manager, customer=foreign_customer)
    _supervised(ticket, admin_user)
    assert api(supervisor).post(f"/api/v1/requests/{ticket.pk}/lift-supervision/", {}).status_code == 404


# Supervisors' queues


def test_supervisors_have_tabs_for_incoming_transfers_and_approvals_agents_do_not(client_for, supervisor, agent):
    supervisor_page = client_for(supervisor).get(reverse("tickets:queue")).content.decode()
    agent_page = client_for(agent).get(reverse("tickets:queue")).content.decode()
    assert "待接收转办" in supervisor_page and "待审批" in supervisor_page
    assert "待接收转办" not in agent_page and "queue=approvals" not in agent_page


def test_incoming_lists_the_requests_transferred_to_the_supervisors_units(supervisor, agent, org):
    to_east = TicketFactory(owner=agent, department=org["west"])
    to_west = TicketFactory(owner=agent, department=org["east"])
    TicketFactory(owner=agent, department=org["east"])
    services.ticket_transfer_request(actor=agent, ticket=to_east, to_department=org["east_team"], reason="属抢修")
    services.ticket_transfer_request(actor=agent, ticket=to_west, to_department=org["west"], reason="属抢修")
    assert list(selectors.ticket_queue(supervisor, "incoming")) == [to_east]


def test_approvals_lists_plans_and_extensions_waiting_for_a_decision(supervisor, agent, own_customer):
    plan = TicketFactory(owner=agent, customer=own_customer)
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        services.ticket_transition(actor=agent, ticket=plan, code=code, fields=fields)
    extension = TicketFactory(owner=agent, customer=own_customer)
    _with_extension(extension, agent)
    TicketFactory(owner=agent, customer=own_customer)  # nothing to decide
    assert set(selectors.ticket_queue(supervisor, "approvals")) == {plan, extension}


def test_the_approvals_tab_counts_and_lists_them_on_the_page(client_for, supervisor, agent, own_customer):
    extension = TicketFactory(owner=agent, customer=own_customer, title="需延期的工单")
    _with_extension(extension, agent)
    response = client_for(supervisor).get(reverse("tickets:queue"), {"queue": "approvals"})
    assert [t.pk for t in response.context["page_obj"]] == [extension.pk]
    tabs = {tab["code"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["approvals"] == 1 and tabs["incoming"] == 0


# Time-limit notices about several requests


def test_a_time_limit_notice_about_several_requests_leads_to_their_queue(agent):
    from kefu.sla.timers import _Notice, _notify_grouped

    first, second = TicketFactory(owner=agent), TicketFactory(owner=agent)
    _notify_grouped(
        {agent.pk: _Notice(2, [first.pk, second.pk])}, kind="sla_breached", message="%(count)d: %(numbers)s", key="k"
    )
    notice = Notification.objects.get(recipient=agent)
    assert notice.target_url == f"{reverse('tickets:queue')}?queue=overdue"
    _notify_grouped({agent.pk: _Notice(1, [first.pk])}, kind="sla_warning", message="%(count)d: %(numbers)s", key="j")
    assert Notification.objects.get(dedupe_key=f"j:{agent.pk}").target_url == reverse("tickets:detail", args=[first.pk])
