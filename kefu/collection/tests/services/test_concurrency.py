"""Two payments of one bill recorded at the same moment (two billing calls, a counter and an
import): both count, the bill is settled once. Needs real concurrent connections, so it runs on
PostgreSQL (the SQLite test database is in memory and private to one connection)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from kefu.collection import services
from kefu.collection.models import Arrear, Payment

from ..factories import ArrearFactory


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_once_both_count_and_settle_the_bill(book, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections to one database (runs in the PostgreSQL pass)")
    arrear = ArrearFactory(customer=book["hotel"], amount=Decimal("100.00"))
    barrier = threading.Barrier(2)
    errors = []

    def pay(reference):
        try:
            barrier.wait()
            services.payment_record(
                actor=admin_user, arrear=arrear, amount="50", paid_on=timezone.localdate(), reference=reference
            )
        except Exception as error:  # the test reports whatever a thread met
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(reference,)) for reference in ("T-1", "T-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    settled = Arrear.objects.get(pk=arrear.pk)
    assert (settled.paid, settled.status, Payment.objects.count()) == (Decimal("100.00"), "paid", 2)
