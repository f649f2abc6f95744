"""Visit plans follow tier frequency, put customers without a valid phone first, are never
duplicated, and overdue visits are flagged once to the manager and their supervisor."""

from datetime import date

import pytest
from django.db import connection

from kefu.customers.tests.factories import CustomerFactory
from kefu.inbox.models import Notification
from kefu.visits import selectors, services
from kefu.visits.models import Visit, VisitFrequency

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(manager, org):
    """The manager's customers: a top-tier one, two ordinary ones (one without a phone), and a
    closed account; a customer without a manager."""
    top = CustomerFactory(name="星级酒店", tier="三星", account_manager=manager, org_unit=org["east_team"])
    plain = CustomerFactory(name="普通用户", tier="一星", account_manager=manager, org_unit=org["east_team"])
    no_phone = CustomerFactory(name="无电话用户", tier="一星", account_manager=manager, org_unit=org["east_team"])
    type(no_phone).objects.filter(pk=no_phone.pk).update(has_valid_phone=False, mobile="")
    type(plain).objects.filter(pk__in=[plain.pk, top.pk]).update(has_valid_phone=True)
    CustomerFactory(name="已销户", tier="一星", status="closed", account_manager=manager)
    CustomerFactory(name="无人负责", tier="一星", account_manager=None)
    return {"top": top, "plain": plain, "no_phone": no_phone}


def test_the_default_frequencies_are_monthly_for_the_top_tier_and_yearly_for_everyone():
    assert dict(VisitFrequency.objects.values_list("tier", "every_months")) == {"三星": 1, "": 12}


def test_visit_plans_follow_tier_frequency(book):
    assert services.visits_plan(today=date(2026, 3, 10)) == 3
    top = Visit.objects.get(customer=book["top"])
    assert (top.period_start, top.due_date) == (date(2026, 3, 1), date(2026, 3, 31))
    plain = Visit.objects.get(customer=book["plain"])
    assert (plain.period_start, plain.due_date) == (date(2026, 1, 1), date(2026, 12, 31))
    # Next month: the top tier gets its April visit; the yearly ones already have theirs.
    assert services.visits_plan(today=date(2026, 4, 2)) == 1
    assert Visit.objects.filter(customer=book["top"]).count() == 2


def test_planning_twice_adds_nothing_and_is_audited_once(book):
    from kefu.audit.models import AuditEvent

    assert services.visits_plan(today=date(2026, 3, 10)) == 3
    assert services.visits_plan(today=date(2026, 3, 10)) == 0
    assert Visit.objects.count() == 3
    assert AuditEvent.objects.filter(target_type="visits.visit").count() == 3


def test_two_planners_at_once_make_each_visit_once(book):
    """What a second worker running the same statement meets: the unique key, not an error."""
    frequency = VisitFrequency.objects.get(tier="三星")
    sql, params = services.visit_plan_sql(frequency, ["三星"], date(2026, 3, 10))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == 1
        cursor.execute(sql, params)
        assert cursor.fetchall() == []
    assert Visit.objects.filter(customer=book["top"]).count() == 1


def test_customers_without_a_valid_phone_come_first(book, manager):
    services.visits_plan(today=date(2026, 3, 10))
    plan = list(selectors.visit_plan(manager, today=date(2026, 3, 10)))
    assert plan[0].customer == book["no_phone"] and plan[0].phone_missing


def test_overdue_visits_are_flagged_to_the_manager_and_supervisor_once(book, manager, supervisor):
    services.visits_plan(today=date(2026, 3, 10))
    assert services.visits_flag_overdue(today=date(2026, 4, 1)) == 1  # the March top-tier visit
    assert services.visits_flag_overdue(today=date(2026, 4, 1)) == 0
    for person in (manager, supervisor):
        notice = Notification.objects.get(recipient=person, kind="visits_overdue")
        assert "1" in notice.text


def test_the_workbench_shows_the_months_visits_and_the_overdue_ones(book, manager, client_for):
    from django.urls import reverse
    from django.utils import timezone

    services.visits_plan(today=timezone.localdate())
    page = client_for(manager).get(reverse("workbench")).content.decode()
    assert "本月应走访" in page and "逾期 0 个" in page
