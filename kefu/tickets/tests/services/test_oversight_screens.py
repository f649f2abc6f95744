"""What approvers decide reaches the people concerned: extension decisions tell who asked, lifting a
supervision clears it (refused to an agent on page and API alike), a time-limit notice leads to its queue."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.inbox.models import Notification
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.tests.factories import TicketFactory, put_under_supervision, request_extension

# Extension decisions


def test_an_approved_extension_tells_the_requester_the_new_deadline(supervisor, agent, own_ticket):
    extension = request_extension(own_ticket, agent)
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    notice = Notification.objects.get(recipient=agent, kind="extension_decided")
    new_due = timezone.localtime(extension.new_due_at)
    assert own_ticket.number in notice.text and f"{new_due:%Y-%m-%d %H:%M}" in notice.text
    assert notice.ticket_id == own_ticket.pk


def test_a_rejected_extension_tells_the_requester_too(supervisor, agent, own_ticket):
    extension = request_extension(own_ticket, agent)
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=False)
    notice = Notification.objects.get(recipient=agent, kind="extension_decided")
    assert "未获批准" in notice.text


# Lifting a supervision


def test_lifting_a_supervision_clears_the_flag_audits_it_and_tells_the_people(supervisor, agent, own_ticket):
    put_under_supervision(own_ticket, supervisor)
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


def test_an_agent_cannot_lift_a_supervision_page_or_api(client_for, supervisor, agent, own_ticket):
    put_under_supervision(own_ticket, supervisor)
    assert client_for(agent).post(reverse("tickets:supervision_lift", args=[own_ticket.pk])).status_code == 403
    assert api(agent).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}).status_code == 403
    assert Ticket.objects.get(pk=own_ticket.pk).supervised


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
