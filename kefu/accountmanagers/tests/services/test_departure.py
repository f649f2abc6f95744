"""A manager leaves: their customers and all their open work arrive at the new managers, with a
handover record each new manager sees and acknowledges."""

import pytest
from django.core.exceptions import ValidationError

from kefu.accountmanagers import services
from kefu.accountmanagers.handover import HandedOver, _providers, register_handover_provider
from kefu.accountmanagers.models import Handover, ManagerProfile
from kefu.audit.models import AuditEvent
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.inbox.models import Notification
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.tests.factories import TicketFactory, install_workflows

from ..factories import make_manager


@pytest.fixture
def leaving_book(team, org, agent):
    """a leaves: 3 customers, an open request owned by a for each, one they handle for someone
    else's customer, one of no customer, and a closed one."""
    install_workflows()
    unit = org["east_team"]
    customers = [CustomerFactory(grid="东1", tier="一星", account_manager=team["a"], org_unit=unit) for _ in range(3)]
    owned = [TicketFactory(customer=c, owner=team["a"]) for c in customers]
    other = CustomerFactory(grid="东1", tier="一星", account_manager=team["b"], org_unit=unit)
    handled = TicketFactory(customer=other, owner=agent, assignee=team["a"])
    loose = TicketFactory(customer=None, owner=team["a"])
    closed = TicketFactory(customer=customers[0], owner=team["a"], closed_at="2026-01-01T00:00:00Z")
    return {"customers": customers, "owned": owned, "handled": handled, "loose": loose, "closed": closed}


def _open_work_of(user):
    return Ticket.objects.filter(closed_at__isnull=True).filter(owner=user) | Ticket.objects.filter(
        closed_at__isnull=True, assignee=user
    )


def test_a_leaving_managers_open_requests_all_arrive_at_the_new_owners(supervisor, team, leaving_book):
    plan = services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    assert not Ticket.objects.filter(owner=team["b"]).exists()  # the preview moves nothing
    services.plan_apply(actor=supervisor, plan=plan)

    assert not _open_work_of(team["a"]).exists()
    assert Customer.objects.filter(account_manager=team["a"]).count() == 0
    for ticket in leaving_book["owned"] + [leaving_book["loose"]]:
        ticket.refresh_from_db()
        assert ticket.owner == team["b"] and ticket.version == 2
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.HANDED_OVER).exists()
        assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk, changes__has_key="owner")
    handled = Ticket.objects.get(pk=leaving_book["handled"].pk)
    assert handled.owner != team["a"] and handled.assignee in (team["b"], None)
    assert Ticket.objects.get(pk=leaving_book["closed"].pk).owner == team["a"]  # closed work stays as it was


def test_each_customers_open_work_follows_the_customer_to_its_new_manager(supervisor, team, leaving_book):
    plan = services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"], team["chief"]])
    services.plan_apply(actor=supervisor, plan=plan)
    for ticket in leaving_book["owned"]:
        ticket.refresh_from_db()
        assert ticket.owner_id == Customer.objects.get(pk=ticket.customer_id).account_manager_id
    # Work of no moved customer goes to the first successor.
    assert Ticket.objects.get(pk=leaving_book["loose"].pk).owner == team["b"]


def test_the_new_manager_sees_a_handover_record_and_is_told(supervisor, team, leaving_book):
    services.plan_apply(
        actor=supervisor, plan=services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    )
    handover = Handover.objects.get(to_user=team["b"])
    groups = {group["kind"]: group for group in handover.items}
    assert groups["customers"]["count"] == 3 and groups["requests"]["count"] == 5
    assert handover.from_user == team["a"] and handover.acknowledged_at is None
    assert Notification.objects.filter(recipient=team["b"], kind="handover").exists()
    assert not ManagerProfile.objects.get(user=team["a"]).accepting  # takes nobody new from now on

    with pytest.raises(ValidationError):
        services.handover_acknowledge(actor=supervisor, handover=handover)  # only the receiver
    services.handover_acknowledge(actor=team["b"], handover=handover)
    assert Handover.objects.get(pk=handover.pk).acknowledged_at is not None
    with pytest.raises(ValidationError):
        services.handover_acknowledge(actor=team["b"], handover=handover)  # once


def test_without_successors_the_automatic_rules_share_the_customers_out(supervisor, team, leaving_book):
    plan = services.departure_preview(actor=supervisor, leaving=team["a"])
    assert {m.to_manager_id for m in plan.moves.all()} <= {team["b"].pk, team["chief"].pk}
    assert plan.moves.count() == 3 and plan.successor == supervisor


def test_only_the_leaving_managers_customers_move(supervisor, team, leaving_book, book):
    plan = services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    assert set(plan.moves.values_list("from_manager_id", flat=True)) == {team["a"].pk}


def test_a_top_tier_customer_needs_a_successor_of_its_level(supervisor, team, org):
    CustomerFactory(grid="东1", tier="三星", account_manager=team["chief"], org_unit=org["east_team"])
    plan = services.departure_preview(actor=supervisor, leaving=team["chief"], successors=[team["a"]])
    assert plan.unplaced == 1
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=plan)
    assert Customer.objects.filter(account_manager=team["chief"]).count() == 1


def test_successors_must_be_in_scope(supervisor, team, other_manager):
    with pytest.raises(ValidationError) as refused:
        services.departure_preview(actor=supervisor, leaving=team["a"], successors=[other_manager])
    assert "successors" in refused.value.message_dict


def test_a_later_apps_open_work_plugs_in_through_a_provider(supervisor, team, leaving_book):
    seen = []

    def visits(*, actor, leaving, receiver_for):
        seen.append(leaving)
        customer = leaving_book["customers"][0]
        return [HandedOver(receiver_for(customer.pk).pk, "visits", "走访", 1, "季度走访")]

    register_handover_provider("visits", visits)
    try:
        services.plan_apply(
            actor=supervisor,
            plan=services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]]),
        )
    finally:
        _providers.pop("visits")
    assert seen == [team["a"]]
    assert any(group["kind"] == "visits" for group in Handover.objects.get(to_user=team["b"]).items)


def test_an_inactive_manager_can_still_be_handed_over(supervisor, team, leaving_book):
    team["a"].is_active = False
    team["a"].save()
    services.plan_apply(
        actor=supervisor, plan=services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    )
    assert not _open_work_of(team["a"]).exists()


def test_a_named_successor_without_a_profile_takes_regular_customers_as_a_regular_manager(
    supervisor, org, team, leaving_book
):
    newcomer = make_manager(org["east_team"], "吴新人")
    ManagerProfile.objects.filter(user=newcomer).delete()
    plan = services.departure_preview(actor=supervisor, leaving=team["a"], successors=[newcomer])
    assert plan.unplaced == 0 and {m.to_manager_id for m in plan.moves.all()} == {newcomer.pk}


def test_the_new_manager_finds_the_handover_on_the_workbench_until_acknowledged(supervisor, team, leaving_book):
    from kefu.core.workbench import workbench_cards

    services.plan_apply(
        actor=supervisor, plan=services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    )
    cards = [card for card in workbench_cards(team["b"]) if card["icon"] == "arrow-left-right"]
    assert [card["value"] for card in cards] == [1]
    assert not [card for card in workbench_cards(team["chief"]) if card["icon"] == "arrow-left-right"]
    services.handover_acknowledge(actor=team["b"], handover=Handover.objects.get(to_user=team["b"]))
    assert not [card for card in workbench_cards(team["b"]) if card["icon"] == "arrow-left-right"]
