"""When a customer must next be contacted (ContactDue): the first-contact week after an
assignment (seed 002 篇七), the tier's plan (seed 004 篇9: key accounts daily by phone), the next
step agreed on the last contact; refreshed on every log and assignment, and set-based nightly."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kefu.contacts import selectors, services
from kefu.contacts.due import contacts_due_refresh
from kefu.contacts.models import Assignment, ContactDue, ContactLog
from kefu.customers.models import Customer
from kefu.customers.services import customers_set_managers
from kefu.customers.tests.factories import CustomerFactory

from ..conftest import at

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def assign_on(customer, manager, day, actor):
    """Give the customer to `manager` through the archive's service, as the assignment does,
    then date the assignment `day` (the service stamps now)."""
    customers_set_managers(actor=actor, moves=[(customer.pk, customer.account_manager_id, manager.pk, None)])
    Assignment.objects.filter(customer=customer).update(assigned_at=at(day))
    contacts_due_refresh(customer_ids=[customer.pk])


def log(customer, user, when, channel="phone", **extra):
    return services.contact_log_record(
        actor=user, customer=customer, data={"channel": channel, "summary": "电话问候", "contacted_at": when, **extra}
    )


def overdue_ids(user, today):
    return {row.customer_id for row in selectors.contacts_due(user, today=today) if row.due_on < today}


def test_a_customer_assigned_on_monday_is_overdue_for_first_contact_on_the_8th_day(manager, admin_user, org):
    customer = CustomerFactory(name="新户", tier="一星", org_unit=org["east_team"])
    Customer.objects.filter(pk=customer.pk).update(created_at=at(MONDAY - timedelta(days=300)))
    customer.refresh_from_db()
    assign_on(customer, manager, MONDAY, admin_user)

    due = ContactDue.objects.get(customer=customer)
    assert (due.reason, due.due_on) == ("first", MONDAY + timedelta(days=6))
    assert customer.pk not in overdue_ids(manager, MONDAY + timedelta(days=6))  # 7th day: due today
    assert customer.pk in {row.customer_id for row in selectors.contacts_due(manager, today=MONDAY + timedelta(days=6))}
    assert customer.pk in overdue_ids(manager, MONDAY + timedelta(days=7))  # 8th day: overdue


def test_a_contact_logged_within_the_week_ends_the_first_contact_rule(manager, admin_user, org):
    customer = CustomerFactory(name="新户", tier="一星", org_unit=org["east_team"])
    assign_on(customer, manager, MONDAY, admin_user)
    ContactLog.objects.create(customer=customer, user=manager, contacted_at=at(MONDAY + timedelta(days=2)),
                              channel="phone", summary="首次联系")  # fmt: skip
    contacts_due_refresh(customer_ids=[customer.pk])

    due = ContactDue.objects.get(customer=customer)
    assert (due.reason, due.due_on) == ("plan", MONDAY + timedelta(days=2 + 90))
    assert customer.pk not in overdue_ids(manager, MONDAY + timedelta(days=7))


def test_a_contact_by_the_previous_manager_does_not_count_as_the_new_managers_first(
    manager, other_manager, admin_user, org
):
    customer = CustomerFactory(name="转户", tier="一星", account_manager=other_manager, org_unit=org["west_team"])
    ContactLog.objects.create(customer=customer, user=other_manager, contacted_at=at(MONDAY - timedelta(days=3)),
                              channel="phone", summary="上任经理联系")  # fmt: skip
    assign_on(customer, manager, MONDAY, admin_user)
    assert ContactDue.objects.get(customer=customer).reason == "first"


def test_a_key_account_without_a_call_today_appears_on_its_managers_list(manager, key_account):
    today = date(2026, 12, 3)
    log(key_account, manager, at(today - timedelta(days=1)))  # yesterday's call
    assert key_account.pk in {row.customer_id for row in selectors.contacts_due(manager, today=today)}

    log(key_account, manager, at(today, 9))  # today's call
    assert key_account.pk not in {row.customer_id for row in selectors.contacts_due(manager, today=today)}


def test_a_message_does_not_answer_a_daily_phone_plan_but_a_visit_does(manager, key_account):
    today = date(2026, 12, 3)
    log(key_account, manager, at(today - timedelta(days=1)))
    log(key_account, manager, at(today, 9), channel="message")
    assert key_account.pk in {row.customer_id for row in selectors.contacts_due(manager, today=today)}
    log(key_account, manager, at(today, 11), channel="visit")
    assert key_account.pk not in {row.customer_id for row in selectors.contacts_due(manager, today=today)}


def test_the_next_step_date_brings_the_contact_forward(manager, own_customer):
    own_customer.tier = "一星"
    own_customer.save()
    today = date(2026, 12, 3)
    log(own_customer, manager, at(today), next_step="寄送报价", next_step_on=today + timedelta(days=5))
    due = ContactDue.objects.get(customer=own_customer)
    assert (due.reason, due.due_on) == ("next_step", today + timedelta(days=5))


def test_the_nightly_refresh_gives_the_same_rows_as_the_refresh_on_each_log(manager, other_manager, org):
    customers = [CustomerFactory(tier=tier, account_manager=manager, org_unit=org["east_team"])
                 for tier in ("三星", "二星", "一星", "", "三星")]  # fmt: skip
    CustomerFactory(tier="一星", account_manager=None)  # no manager: nothing due
    for index, customer in enumerate(customers[:3]):
        log(customer, manager, at(date(2026, 11, 1) + timedelta(days=index)))
    on_log = set(ContactDue.objects.values_list("customer_id", "due_on", "reason"))
    ContactDue.objects.all().delete()
    assert contacts_due_refresh() == len(customers)
    nightly = set(ContactDue.objects.values_list("customer_id", "due_on", "reason"))
    assert on_log <= nightly
    assert {row[0] for row in nightly} == {customer.pk for customer in customers}


def test_a_customer_given_to_nobody_leaves_every_list(manager, admin_user, own_customer):
    contacts_due_refresh()
    assert ContactDue.objects.filter(customer=own_customer).exists()
    customers_set_managers(actor=admin_user, moves=[(own_customer.pk, manager.pk, None, None)])
    assert not ContactDue.objects.filter(customer=own_customer).exists()


def test_a_customer_registered_with_a_manager_starts_the_first_contact_week(manager, org):
    from kefu.customers.services import customer_create

    customer = customer_create(
        actor=manager, data={"name": "新开户", "mobile": "13900001111"}, relations={"org_unit": org["east_team"]}
    )
    assert Assignment.objects.get(customer=customer).manager == manager
    assigned = timezone.localtime(Assignment.objects.get(customer=customer).assigned_at).date()
    due = ContactDue.objects.get(customer=customer)
    assert (due.manager, due.reason, due.due_on) == (manager, "first", assigned + timedelta(days=6))


def test_a_tier_change_moves_the_customer_to_its_new_plan(manager, admin_user, own_customer):
    from kefu.customers.services import customers_set_tier

    today = date(2026, 12, 3)
    log(own_customer, manager, at(today))
    assert ContactDue.objects.get(customer=own_customer).due_on == today + timedelta(days=90)  # no tier: default plan
    customers_set_tier(actor=admin_user, tiers={own_customer.pk: "三星"})
    assert ContactDue.objects.get(customer=own_customer).due_on == today + timedelta(days=1)  # daily by phone


def test_an_assignment_recorded_in_slices_keeps_every_customer(manager, admin_user, org, monkeypatch):
    from kefu.contacts import services as contact_services

    monkeypatch.setattr(contact_services, "IDS_PER_STATEMENT", 2)
    customers = [CustomerFactory(org_unit=org["east_team"]) for _ in range(5)]
    customers_set_managers(actor=admin_user, moves=[(c.pk, None, manager.pk, None) for c in customers])
    assert Assignment.objects.filter(manager=manager).count() == 5
    assert set(ContactDue.objects.values_list("reason", flat=True)) == {"first"}


def test_a_customer_imported_with_a_manager_starts_the_first_contact_week(manager):
    """The import writes customers set-based, past customer_create: it must still tell the
    archive's listeners, or imported customers would never be due a first contact."""
    from kefu.customers.imports import services as imports
    from kefu.customers.tests.factories import HEADER, csv_upload, dry_run

    job = dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n"))
    imports.import_job_confirm(actor=manager, job=job)
    imports.import_job_commit(job_id=job.pk)

    customer = Customer.objects.get(name="甲")
    assert Assignment.objects.get(customer=customer).manager == manager
    assert ContactDue.objects.get(customer=customer).reason == "first"
