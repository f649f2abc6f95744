"""The green-channel badge (绿色通道) on every screen that shows the customer or the request, from
one template tag (customers/templatetags/customer_tiers.py), and on none for an ordinary one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory

BADGE = "badge-green-channel"


@pytest.fixture
def vip(manager, org):
    return CustomerFactory(
        name="绿色客户", mobile="13800000001", tier="三星", account_manager=manager, org_unit=org["east_team"]
    )


@pytest.fixture
def plain(manager, org):
    return CustomerFactory(
        name="普通客户", mobile="13800000002", tier="一星", account_manager=manager, org_unit=org["east_team"]
    )


def _screens(customer, ticket) -> dict[str, tuple[str, dict]]:
    return {
        "customer list": (reverse("customers:list"), {"q": customer.name}),
        "customer 360": (reverse("customers:detail", args=[customer.pk]), {}),
        "request page": (reverse("tickets:detail", args=[ticket.pk]), {}),
        "queue": (reverse("tickets:queue"), {"queue": "all_open"}),
        "request search": (reverse("tickets:queue"), {"queue": "all_open", "q": str(ticket.pk)}),
        "workbench": (reverse("workbench"), {}),
        "caller lookup": (reverse("tickets:customer_lookup"), {"lookup": customer.mobile}),
        "chosen customer": (reverse("tickets:customer_lookup"), {"chosen": customer.pk}),
        "screen pop": (reverse("tickets:create"), {"phone": customer.mobile}),
    }


SCREENS = [
    "customer list", "customer 360", "request page", "queue", "request search", "workbench",
    "caller lookup", "chosen customer", "screen pop",
]  # fmt: skip


@pytest.mark.parametrize("screen", SCREENS)
def test_the_green_channel_badge_is_on_every_screen_of_the_customer_and_the_request(
    screen, client_for, supervisor, vip
):
    ticket = TicketFactory(owner=supervisor, customer=vip, green_channel=True, due_at=timezone.now())
    url, params = _screens(vip, ticket)[screen]
    response = client_for(supervisor).get(url, params)
    assert response.status_code == 200
    assert response.content.decode().count(BADGE) >= 1, screen
    assert "绿色通道" in response.content.decode()


@pytest.mark.parametrize("screen", SCREENS)
def test_an_ordinary_customer_and_request_have_no_badge(screen, client_for, supervisor, plain):
    ticket = TicketFactory(owner=supervisor, customer=plain, due_at=timezone.now())
    url, params = _screens(plain, ticket)[screen]
    response = client_for(supervisor).get(url, params)
    assert response.status_code == 200
    assert BADGE not in response.content.decode(), screen
