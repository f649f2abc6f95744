"""The pages' side of the rules: the assign form offers only staff who handle requests, and the request
page offers an extension decision only to another approver."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from kefu.tickets import services
from kefu.tickets.forms import AssignForm
from kefu.tickets.models import Ticket


def test_the_assign_form_offers_only_staff_who_handle_requests(supervisor, auditor, handler, own_ticket):
    choices = AssignForm(ticket=own_ticket, user=supervisor).fields["assignee"].queryset
    assert handler in choices and supervisor in choices and auditor not in choices


# -- Separation of duties ----------------------------------------------------------------------


def test_the_request_page_offers_the_extension_decision_only_to_another_approver(
    client_for, supervisor, second_supervisor, own_ticket
):
    due = timezone.now() + timedelta(hours=10)
    Ticket.objects.filter(pk=own_ticket.pk).update(due_at=due)
    own_ticket.refresh_from_db()
    services.ticket_extension_request(
        actor=supervisor, ticket=own_ticket, new_due_at=due + timedelta(days=2), reason="需协调施工队"
    )
    url = reverse("tickets:detail", args=[own_ticket.pk])
    assert 'id="extension-decision-form"' not in client_for(supervisor).get(url).content.decode()
    assert 'id="extension-decision-form"' in client_for(second_supervisor).get(url).content.decode()
