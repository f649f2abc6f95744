"""Fixtures shared by the layers' files of one topic."""

import pytest

from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture
def with_request(own_customer, agent, db):
    """A request about `own_customer`: what keeps a customer from being deleted (test_deletion)."""
    install_workflows()
    return TicketFactory(owner=agent, customer=own_customer, caller_name="张三", caller_phone=own_customer.mobile)
