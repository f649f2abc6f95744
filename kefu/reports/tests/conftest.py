"""The complaints both the statistics (selectors/) and the report page (views/) are checked on."""

import pytest

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import RootCause
from kefu.tickets.tests.factories import TicketFactory


def cause(name: str) -> RootCause:
    """A class of the root-cause list (the workflows' installation brought the preset ones)."""
    return RootCause.objects.get_or_create(name=name)[0]


@pytest.fixture
def complaints(agent, own_customer, org):
    """Three complaints of 张三 (two valid, one invalid), one of another east customer, one inquiry."""
    other = CustomerFactory(name="王五", org_unit=org["east_team"], tier="三星")
    made = [
        TicketFactory(
            owner=agent, customer=own_customer, is_valid=True, cause_class=cause("停送电"), department=org["east"]
        ),
        TicketFactory(
            owner=agent, customer=own_customer, is_valid=True, cause_class=cause("停送电"), department=org["east"]
        ),
        TicketFactory(owner=agent, customer=own_customer, is_valid=False, cause_class=cause("服务")),
        TicketFactory(owner=agent, customer=other),
        TicketFactory(owner=agent, customer=other, ticket_type="inquiry"),
    ]
    return made
