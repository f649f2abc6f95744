"""The complaint closed loop (SPEC §5 / §14): every step, every refusal, every audit entry."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from kefu.audit.models import AuditEvent
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent, WorkflowTransition, request_number
from kefu.tickets.services import IllegalTransitionError
from kefu.tickets.tests.factories import COMPLAINT, step


@pytest.fixture
def complaint(agent, own_customer):
    ticket, _created = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    return ticket


def test_registering_a_complaint_makes_the_registrar_its_owner(complaint, agent):
    assert complaint.owner == agent
    assert complaint.state.code == "registered"
    assert complaint.remedy_requested == "书面道歉并赔偿冰箱内损失"
    assert complaint.number.endswith(f"-{complaint.pk}")


def test_registration_is_an_event_and_an_audit_entry(complaint):
    assert list(complaint.events.values_list("kind", flat=True)) == ["created"]
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=complaint.pk, action="created").exists()


def test_a_request_needs_a_customer_or_a_caller(agent):
    with pytest.raises(ValidationError) as error:
        services.ticket_create(actor=agent, data=COMPLAINT)
    assert "customer" in error.value.message_dict
    ticket, _ = services.ticket_create(actor=agent, data={**COMPLAINT, "caller_phone": "138 0000 1111"})
    assert ticket.caller_phone == "13800001111"


def test_bad_input_names_every_field(agent, own_customer):
    with pytest.raises(ValidationError) as error:
        services.ticket_create(actor=agent, data={"ticket_type": "x", "channel": "fax"}, customer=own_customer)
    assert set(error.value.message_dict) == {"ticket_type", "channel", "title", "description"}
    assert not Ticket.objects.exists()


def test_the_whole_complaint_loop_from_registration_to_archive(complaint, agent, supervisor, org):
    step(complaint, agent, "acknowledge")
    step(complaint, agent, "assess_valid")
    step(complaint, agent, "dispatch", department=org["east"])
    step(complaint, agent, "propose_plan", resolution_plan="上门道歉，赔偿损失200元")
    step(complaint, supervisor, "approve_plan")
    step(complaint, agent, "implemented", resolution="已上门道歉并赔偿")
    step(complaint, agent, "customer_confirmed")
    ticket = step(complaint, agent, "archive", root_cause="停电通知短信未发送", cause_class="停送电")
    assert ticket.state.code == "archived"
    assert ticket.closed_at is not None
    assert ticket.is_valid is True
    transitions = TicketEvent.objects.filter(ticket=ticket, kind="transition").count()
    assert transitions == 8
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk, action="updated").count() == 8


def test_an_invalid_complaint_is_closed_with_its_reason(complaint, agent):
    step(complaint, agent, "acknowledge")
    with pytest.raises(ValidationError) as error:
        step(complaint, agent, "assess_invalid")
    assert "invalid_reason" in error.value.message_dict
    ticket = step(complaint, agent, "assess_invalid", invalid_reason="属于欠费停电，已告知缴费渠道")
    assert ticket.state.code == "invalid" and ticket.is_valid is False and ticket.closed_at


def test_only_a_supervisor_approves_a_resolution_plan(complaint, agent):
    step(complaint, agent, "acknowledge")
    step(complaint, agent, "assess_valid")
    step(complaint, agent, "propose_plan", resolution_plan="赔偿")
    with pytest.raises(IllegalTransitionError):
        step(complaint, agent, "approve_plan")
    assert Ticket.objects.get(pk=complaint.pk).state.code == "plan_proposed"


def test_every_transition_not_leaving_the_current_state_is_refused(complaint, agent, supervisor):
    """Walk every state of the complaint workflow and try every other transition code there."""
    workflow = complaint.state.workflow
    codes = set(workflow.transitions.values_list("code", flat=True))
    for state in workflow.states.all():
        Ticket.objects.filter(pk=complaint.pk).update(state=state)
        allowed = set(WorkflowTransition.objects.filter(source=state).values_list("code", flat=True))
        for code in codes - allowed:
            ticket = Ticket.objects.get(pk=complaint.pk)
            with pytest.raises(IllegalTransitionError):
                services.ticket_transition(actor=supervisor, ticket=ticket, code=code)
    assert Ticket.objects.get(pk=complaint.pk).version == 1
    assert not TicketEvent.objects.filter(ticket=complaint, kind="transition").exists()


def test_refused_transition_writes_nothing(complaint, agent):
    with pytest.raises(IllegalTransitionError) as error:
        step(complaint, agent, "archive")
    assert "已受理" in str(error.value.message)
    assert AuditEvent.objects.filter(target_type="tickets.ticket", action="updated").count() == 0


def test_reopening_an_archived_complaint_counts_and_clears_closure(complaint, agent, supervisor):
    for code, fields in [
        ("acknowledge", {}),
        ("assess_valid", {}),
        ("propose_plan", {"resolution_plan": "赔偿"}),
    ]:
        step(complaint, agent, code, **fields)
    step(complaint, supervisor, "approve_plan")
    step(complaint, agent, "implemented", resolution="已赔偿")
    step(complaint, agent, "customer_confirmed")
    step(complaint, agent, "archive", root_cause="设备老化", cause_class="供电质量")
    with pytest.raises(IllegalTransitionError):
        step(complaint, agent, "reopen")  # agents may not reopen
    ticket = step(complaint, supervisor, "reopen")
    assert ticket.reopen_count == 1 and ticket.closed_at is None and ticket.state.code == "investigating"


def test_stale_version_is_refused(complaint, agent):
    from kefu.core.errors import ConflictError

    step(complaint, agent, "acknowledge")
    with pytest.raises(ConflictError):
        services.ticket_transition(actor=agent, ticket=complaint, code="assess_valid", expected_version=1)


def test_replies_and_internal_notes_are_kept_apart(complaint, agent):
    services.ticket_comment(actor=agent, ticket=complaint, body="您好，已受理您的投诉。", internal=False)
    services.ticket_comment(actor=agent, ticket=complaint, body="客户情绪激动，注意沟通", internal=True)
    public = list(complaint.events.filter(is_internal=False).values_list("kind", flat=True))
    assert public == ["created", "reply"]
    assert complaint.events.filter(is_internal=True, kind="internal_note").count() == 1


def test_unidentified_caller_is_linked_to_a_customer_later(agent, own_customer):
    ticket, _ = services.ticket_create(actor=agent, data={**COMPLAINT, "caller_name": "匿名"})
    ticket = services.ticket_link_customer(actor=agent, ticket=ticket, customer=own_customer)
    assert ticket.customer == own_customer
    assert ticket.events.filter(kind="customer_linked").exists()


def test_retried_create_with_the_same_idempotency_key_returns_the_first_request(agent, own_customer):
    first, created = services.ticket_create(
        actor=agent, data=COMPLAINT, customer=own_customer, idempotency_key="hotline-42"
    )
    again, created_again = services.ticket_create(
        actor=agent, data=COMPLAINT, customer=own_customer, idempotency_key="hotline-42"
    )
    assert created and not created_again and first.pk == again.pk
    assert Ticket.objects.count() == 1


def test_requests_appear_on_the_customer_360_timeline(complaint, agent, own_customer):
    from kefu.customers.timeline import customer_timeline

    step(complaint, agent, "acknowledge")
    entries = customer_timeline(own_customer.pk)
    assert [entry.kind for entry in entries[:2]] == ["ticket_transition", "ticket_created"]
    assert entries[0].url == f"/requests/{complaint.pk}/"  # the entry opens the request


def test_installing_presets_twice_changes_nothing():
    from kefu.tickets.models import Category, Workflow
    from kefu.tickets.services.setup import categories_install_defaults, workflows_install_defaults

    assert workflows_install_defaults() == 0  # the autouse fixture installed them already
    made = categories_install_defaults()
    assert made == Category.objects.count() > 5
    assert categories_install_defaults() == 0
    assert Workflow.objects.count() == 7


def test_a_repair_records_arrival_on_site(agent, own_customer):
    ticket, _ = services.ticket_create(
        actor=agent, data={**COMPLAINT, "ticket_type": "repair", "title": "停电报修"}, customer=own_customer
    )
    step(ticket, agent, "start")
    assert step(ticket, agent, "arrive").state.code == "on_site"
    assert step(ticket, agent, "resolve", resolution="更换熔断器").state.code == "resolved"


def test_the_request_number_is_the_local_registration_date_and_the_id(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    evening_in_utc = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)  # already 1 February in Beijing
    assert request_number(4711, evening_in_utc) == "20260201-4711"
    assert Ticket(pk=7, created_at=datetime(2026, 3, 9, 1, 0, tzinfo=UTC)).number == "20260309-7"
    assert Ticket().number == ""  # not registered yet
