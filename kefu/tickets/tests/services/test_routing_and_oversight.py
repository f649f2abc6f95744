"""Assignment, transfer (转办), supervision (督办), reminders (催办), merge, extensions."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.inbox.models import Notification
from kefu.tickets import services
from kefu.tickets.models import Ticket, Workflow
from kefu.tickets.tests.factories import TicketFactory


def test_round_robin_takes_turns_within_the_department(crew, org, supervisor, agent):
    Workflow.objects.filter(ticket_type="complaint").update(assignment_rule="round_robin")
    picked = [
        services.ticket_assign(
            actor=supervisor, ticket=TicketFactory(owner=agent), department=org["east_team"]
        ).assignee
        for _ in range(3)
    ]
    assert [u.username for u in picked] == ["h1", "h2", "h1"]


def test_least_loaded_picks_the_handler_with_fewest_open_requests(crew, org, supervisor, agent):
    Workflow.objects.filter(ticket_type="complaint").update(assignment_rule="least_loaded")
    TicketFactory(owner=agent, assignee=crew[0])
    chosen = services.ticket_assign(actor=supervisor, ticket=TicketFactory(owner=agent), department=org["east_team"])
    assert chosen.assignee == crew[1]


def test_assignment_notifies_the_handler(crew, supervisor, ticket):
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=crew[0])
    assert Notification.objects.filter(recipient=crew[0], kind="assigned").count() == 1


def test_transfer_needs_a_reason_and_moves_ownership_only_when_accepted(ticket, agent, org, crew):
    with pytest.raises(ValidationError):
        services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="")
    transfer = services.ticket_transfer_request(
        actor=agent, ticket=ticket, to_department=org["east_team"], reason="属抢修范围"
    )
    assert Ticket.objects.get(pk=ticket.pk).owner == agent  # still the first responder
    services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=True)
    ticket.refresh_from_db()
    assert ticket.owner == crew[0] and ticket.department == org["east_team"]


def test_an_accepted_transfer_tells_the_requester_who_is_no_longer_responsible(ticket, agent, org, crew):
    # The first responder stays responsible until a transfer is accepted (SPEC: 首问负责制): they
    # must learn that the request has left them, as they learn of a returned one.
    transfer = services.ticket_transfer_request(
        actor=agent, ticket=ticket, to_department=org["east_team"], reason="属抢修范围"
    )
    services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=True)
    notice = Notification.objects.get(recipient=agent, kind="transfer_accepted")
    assert ticket.number in notice.text and org["east_team"].name in notice.text


def test_returned_transfer_keeps_the_owner_and_tells_the_requester(ticket, agent, org, crew):
    transfer = services.ticket_transfer_request(
        actor=agent, ticket=ticket, to_department=org["east_team"], reason="属抢修范围"
    )
    with pytest.raises(ValidationError):
        services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=False)
    services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=False, note="不属于我部门")
    assert Ticket.objects.get(pk=ticket.pk).owner == agent
    assert Notification.objects.filter(recipient=agent, kind="transfer_returned").exists()


def test_only_the_receiving_department_answers_a_transfer(ticket, agent, org, other_manager):
    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    with pytest.raises(ValidationError):
        services.ticket_transfer_decide(actor=other_manager, transfer=transfer, accept=True)


def test_a_transfer_is_answered_once(ticket, agent, org, crew):
    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=True)
    with pytest.raises(ValidationError):
        services.ticket_transfer_decide(actor=crew[1], transfer=transfer, accept=True)


def test_supervision_flags_and_notifies_the_responsible_people(ticket, supervisor, agent):
    services.ticket_supervise(actor=supervisor, ticket=ticket, note="请今日内答复")
    assert Ticket.objects.get(pk=ticket.pk).supervised
    assert Notification.objects.filter(recipient=agent, kind="supervised").count() == 1
    with pytest.raises(ValidationError):
        services.ticket_supervise(actor=supervisor, ticket=ticket)


def test_reminder_with_the_same_key_is_sent_once(ticket, supervisor, agent):
    assert services.ticket_remind(actor=None, ticket=ticket, dedupe_key="overdue:1") == 1
    assert services.ticket_remind(actor=None, ticket=ticket, dedupe_key="overdue:1") == 0
    assert Notification.objects.filter(kind="reminder").count() == 1
    assert ticket.events.filter(kind="reminded").count() == 1


def test_merging_a_duplicate_closes_it_and_points_to_the_survivor(agent, supervisor, own_customer):
    survivor = TicketFactory(owner=agent, customer=own_customer)
    duplicate = TicketFactory(owner=agent, customer=own_customer)
    merged = services.ticket_merge(actor=supervisor, ticket=duplicate, into=survivor)
    assert merged.merged_into == survivor and merged.closed_at and merged.state.kind == "final"
    with pytest.raises(ValidationError):
        services.ticket_merge(actor=supervisor, ticket=survivor, into=survivor)


def test_extension_must_be_requested_before_the_deadline(ticket, agent, supervisor):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    ticket.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.ticket_extension_request(
            actor=agent, ticket=ticket, new_due_at=timezone.now() + timedelta(days=2), reason="需要协调"
        )
    assert "new_due_at" in error.value.message_dict


def test_approved_extension_moves_the_deadline(ticket, agent, supervisor):
    due = timezone.now() + timedelta(hours=5)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=due)
    ticket.refresh_from_db()
    later = due + timedelta(days=2)
    extension = services.ticket_extension_request(actor=agent, ticket=ticket, new_due_at=later, reason="需要协调")
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    assert Ticket.objects.get(pk=ticket.pk).due_at == later
    with pytest.raises(ValidationError):
        services.ticket_extension_decide(actor=supervisor, extension=extension, approve=False)


def _close_as_invalid(ticket, actor):
    services.ticket_transition(actor=actor, ticket=ticket, code="acknowledge")
    return services.ticket_transition(
        actor=actor, ticket=ticket, code="assess_invalid", fields={"invalid_reason": "重复来电"}
    )


def _pending_extension(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=5))
    ticket.refresh_from_db()
    return services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需要协调"
    )


def test_closing_a_request_withdraws_its_pending_transfer_and_extension(ticket, agent, org, crew):
    from kefu.audit.models import AuditEvent

    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    extension = _pending_extension(ticket, agent)
    _close_as_invalid(ticket, agent)
    transfer.refresh_from_db()
    extension.refresh_from_db()
    assert transfer.status == "withdrawn" and transfer.decided_by == agent and transfer.decided_at
    assert extension.status == "withdrawn" and extension.decided_by == agent
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert "transfer_withdrawn" in kinds and "extension_withdrawn" in kinds
    assert AuditEvent.objects.filter(target_id=ticket.pk, changes__transfer=["pending", "withdrawn"]).exists()
    with pytest.raises(ValidationError):  # the receiving department can no longer take it over
        services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=True)
    assert Ticket.objects.get(pk=ticket.pk).department_id != org["east_team"].pk


def test_merging_a_duplicate_withdraws_its_pending_transfer(agent, supervisor, own_customer, org):
    survivor = TicketFactory(owner=agent, customer=own_customer)
    duplicate = TicketFactory(owner=agent, customer=own_customer)
    transfer = services.ticket_transfer_request(
        actor=agent, ticket=duplicate, to_department=org["east_team"], reason="x"
    )
    services.ticket_merge(actor=supervisor, ticket=duplicate, into=survivor)
    transfer.refresh_from_db()
    assert transfer.status == "withdrawn" and transfer.decided_by == supervisor


def test_a_step_that_does_not_close_leaves_a_pending_transfer_waiting(ticket, agent, org):
    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge")
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_requests_closed_before_the_rule_have_their_waiting_transfer_withdrawn_by_the_migration(ticket, agent, org):
    from importlib import import_module

    from django.apps import apps

    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    open_ticket = TicketFactory(owner=agent, customer=ticket.customer)
    still_open = services.ticket_transfer_request(
        actor=agent, ticket=open_ticket, to_department=org["east_team"], reason="x"
    )
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now())  # closed the old way
    migration = import_module("kefu.tickets.migrations.0013_withdraw_waiting_on_closed")
    migration.withdraw_waiting_on_closed(apps, None)
    transfer.refresh_from_db()
    still_open.refresh_from_db()
    assert transfer.status == "withdrawn" and transfer.decided_at and still_open.status == "pending"
