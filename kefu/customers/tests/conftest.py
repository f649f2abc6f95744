"""Fixtures shared by the layers' files of one topic."""

import pytest

from kefu.customers.tests.factories import KeyPersonFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture
def with_request(own_customer, agent, db):
    """A request about `own_customer`: what keeps a customer from being deleted (test_deletion)."""
    install_workflows()
    return TicketFactory(owner=agent, customer=own_customer, caller_name="张三", caller_phone=own_customer.mobile)


@pytest.fixture
def own_person(own_customer):
    return KeyPersonFactory(customer=own_customer)


@pytest.fixture
def foreign_person(foreign_customer):
    return KeyPersonFactory(customer=foreign_customer)
