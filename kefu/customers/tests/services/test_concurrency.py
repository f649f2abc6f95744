"""Two people saving the same customer at the same moment: one wins, the other is told.

Needs real concurrent connections, so it runs on PostgreSQL (the SQLite test database is
in memory and private to one connection).
"""

import threading

import pytest
from django.db import connection

from kefu.core.errors import ConflictError
from kefu.customers import services
from kefu.customers.models import Customer


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_the_same_version_let_exactly_one_through(manager, own_customer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections to one database (runs in the PostgreSQL pass)")
    barrier = threading.Barrier(2)
    outcomes = []

    def save(region):
        try:
            barrier.wait()
            services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": region})
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(region,)) for region in ("东区", "西区")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Customer.objects.get(pk=own_customer.pk).version == 2
