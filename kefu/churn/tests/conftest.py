"""Fixtures of the churn tests: workflows installed, a reference day, and helpers that give a
customer each factor's data (monthly volumes, complaints, unsatisfied callbacks, competitor records)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.callbacks.choices import CallbackStatus, Satisfaction
from kefu.callbacks.models import Callback, CallbackRule
from kefu.callbacks.presets import callback_rules_install_defaults
from kefu.customers.models import CustomerVolume
from kefu.sales.tests.factories import CompetitorRecordFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows

AS_OF = date(2026, 7, 15)  # recent months: April–June; earlier: January–March


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()
    callback_rules_install_defaults()


def volumes(customer, *, earlier: int, recent: int, months=3) -> None:
    """`months` months of revenue `earlier` each (Jan–Mar 2026) then `recent` each (Apr–Jun), volume a tenth."""
    rows = []
    for index in range(2 * months):
        month = 4 - months + index  # 1..6 for three months
        amount = Decimal(earlier if index < months else recent)
        rows.append(CustomerVolume(customer=customer, period=date(2026, month, 1), revenue=amount, volume=amount / 10))
    CustomerVolume.objects.bulk_create(rows)


def complaint(
    customer, owner, *, on: date = AS_OF - timedelta(days=10), closed: bool = True, valid=None, kind="complaint"
):
    ticket = TicketFactory(owner=owner, customer=customer, ticket_type=kind, is_valid=valid)
    closed_at = aware(on + timedelta(days=1)) if closed else None
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=aware(on), closed_at=closed_at)
    return ticket


def unsatisfied_callback(customer, staff, *, on: date = AS_OF - timedelta(days=5), result=Satisfaction.UNSATISFIED):
    ticket = complaint(customer, staff, on=on, kind="service")
    return Callback.objects.create(
        rule=CallbackRule.objects.first(), ticket=ticket, customer=customer, staff=staff,
        due_at=aware(on), next_try_at=aware(on), status=CallbackStatus.DONE, result=result, completed_at=aware(on),
    )  # fmt: skip


def competitor(customer, user, *, on: date = AS_OF - timedelta(days=30)):
    return CompetitorRecordFactory(customer=customer, recorded_by=user, noted_on=on)
