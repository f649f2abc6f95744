"""contacts.selectors.last_contact_at: the expression other apps annotate with (the newest
contact per customer, NULL when never contacted, optionally only some channels)."""

from datetime import date

import pytest

from kefu.contacts.models import ContactLog
from kefu.contacts.selectors import last_contact_at
from kefu.contacts.tests.conftest import at
from kefu.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_the_last_contact_is_the_newest_logged_one_and_none_for_a_customer_never_contacted(
    own_customer, foreign_customer, manager
):
    for day, channel in ((date(2026, 11, 2), "visit"), (date(2026, 11, 20), "message"), (date(2026, 11, 9), "phone")):
        ContactLog.objects.create(
            customer=own_customer, user=manager, contacted_at=at(day), channel=channel, summary="问候"
        )
    last = dict(Customer.objects.annotate(last=last_contact_at()).values_list("pk", "last"))
    assert last == {own_customer.pk: at(date(2026, 11, 20)), foreign_customer.pk: None}
    by_phone_or_visit = Customer.objects.annotate(last=last_contact_at(channels=["phone", "visit"]))
    assert by_phone_or_visit.get(pk=own_customer.pk).last == at(date(2026, 11, 9))
    from_logs = ContactLog.objects.filter(channel="visit").annotate(last=last_contact_at(outer="customer_id"))
    assert [row.last for row in from_logs] == [at(date(2026, 11, 20))]
