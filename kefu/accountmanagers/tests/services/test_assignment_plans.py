"""Assignment plans through the service: preview saves nothing, applying moves and audits, once."""

import pytest
from django.core.exceptions import ValidationError

from kefu.accountmanagers import services
from kefu.accountmanagers.choices import MoveReason, PlanStatus
from kefu.accountmanagers.models import AssignmentMove
from kefu.audit.models import AuditEvent
from kefu.conftest import login
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.inbox.models import Notification


def _managers():
    return dict(Customer.objects.values_list("pk", "account_manager_id"))


def test_preview_saves_nothing_but_the_plan(supervisor, book):
    before = _managers()
    versions = dict(Customer.objects.values_list("pk", "version"))
    plan = services.assignment_preview(actor=supervisor)
    assert _managers() == before and dict(Customer.objects.values_list("pk", "version")) == versions
    assert plan.status == PlanStatus.DRAFT and plan.moves_count == AssignmentMove.objects.filter(plan=plan).count() > 0


def test_the_plan_says_who_moves_and_why(supervisor, book, team):
    plan = services.assignment_preview(actor=supervisor)
    moves = {m.customer_id: (m.from_manager_id, m.to_manager_id, m.reason) for m in plan.moves.all()}
    assert moves[book["top"].pk] == (team["b"].pk, team["chief"].pk, MoveReason.LEVEL)
    # Seven customers over three managers: within one of each other once moved.
    after = dict.fromkeys((team["a"].pk, team["b"].pk, team["chief"].pk), 0)
    for pk, manager in _managers().items():
        manager = moves.get(pk, (None, manager))[1]
        after[manager] += 1
    assert max(after.values()) - min(after.values()) <= 1
    assert {reason for *_ft, reason in moves.values()} == {MoveReason.LEVEL, MoveReason.BALANCE}


def test_applying_moves_the_customers_audits_each_and_tells_the_managers(supervisor, book, team, org):
    plan = services.assignment_preview(actor=supervisor)
    services.plan_apply(actor=supervisor, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED and plan.applied_count == plan.moves_count
    for move in plan.moves.all():
        customer = Customer.objects.get(pk=move.customer_id)
        assert customer.account_manager_id == move.to_manager_id and customer.version == 2
        entry = AuditEvent.objects.get(target_type="customers.customer", target_id=customer.pk)
        assert entry.changes["account_manager_id"] == [move.from_manager_id, move.to_manager_id]
        assert entry.actor == supervisor and entry.customer_id == customer.pk
    notice = Notification.objects.get(recipient=team["chief"], kind="customers_assigned")
    # It leads the manager to their customers (the plan itself is their supervisor's).
    assert login(team["chief"]).get(notice.url).status_code == 200
    # A re-run right after finds nothing to move.
    assert services.assignment_preview(actor=supervisor).moves_count == 0


def test_a_plan_is_applied_once(supervisor, book):
    plan = services.assignment_preview(actor=supervisor)
    services.plan_apply(actor=supervisor, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=plan)
    discarded = services.plan_discard(actor=supervisor, plan=services.assignment_preview(actor=supervisor))
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=discarded)


def test_a_customer_changed_since_the_preview_keeps_its_new_manager(supervisor, book, team):
    plan = services.assignment_preview(actor=supervisor)
    move = plan.moves.get(customer=book["top"])
    Customer.objects.filter(pk=book["top"].pk).update(account_manager=team["a"])  # someone else's change
    services.plan_apply(actor=supervisor, plan=plan)
    plan.refresh_from_db()
    assert Customer.objects.get(pk=book["top"].pk).account_manager == team["a"]
    assert plan.stale_count == 1 and plan.applied_count == plan.moves_count - 1
    assert move.to_manager_id == team["chief"].pk


def test_the_service_unit_follows_the_new_manager(admin_user, org, team):
    customer = CustomerFactory(grid="东1", tier="一星", account_manager=None, org_unit=org["west_team"])
    services.plan_apply(actor=admin_user, plan=services.assignment_preview(actor=admin_user))
    customer.refresh_from_db()
    assert customer.account_manager_id in {m.pk for m in team.values()} and customer.org_unit == org["east_team"]


def test_a_supervisor_plans_only_their_subtree(supervisor, team, foreign_customer, other_manager):
    foreign_customer.account_manager = None
    foreign_customer.save()
    plan = services.assignment_preview(actor=supervisor)
    assert not plan.moves.filter(customer=foreign_customer).exists()
    assert plan.customers_considered == 0


def test_an_account_manager_may_not_run_the_assignment(manager, book):
    from kefu.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.assignment_preview(actor=manager)


def test_the_books_overview_is_recounted_once_a_plan_moves_customers(supervisor, book, team):
    from kefu.accountmanagers.books import books_refresh
    from kefu.accountmanagers.models import BookLoad

    books_refresh()
    plan = services.assignment_preview(actor=supervisor)
    services.plan_apply(actor=supervisor, plan=plan)
    counted = {}
    for manager_id, customers in BookLoad.objects.values_list("manager_id", "customers"):
        counted[manager_id] = counted.get(manager_id, 0) + customers
    held = {}
    for manager_id in _managers().values():
        held[manager_id] = held.get(manager_id, 0) + 1
    assert counted == held


def test_the_books_overview_is_recounted_after_a_hand_assignment(supervisor, book, team):
    from kefu.accountmanagers.books import books_refresh
    from kefu.accountmanagers.models import BookLoad

    books_refresh()
    services.customers_assign(actor=supervisor, customer_ids=[book["top"].pk], manager=team["chief"])
    chief = BookLoad.objects.filter(manager=team["chief"]).values_list("customers", flat=True)
    assert sum(chief) == Customer.objects.filter(account_manager=team["chief"]).count()
