"""The green channel (绿色通道): a request of a customer whose tier carries it comes first in every
queue, page and API alike, and the flag follows the customer's tier wherever it changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.conftest import api
from kefu.customers import services as customer_services
from kefu.customers.models import Tier
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets import selectors, services
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import COMPLAINT, TicketFactory
from kefu.tickets.workbench import most_urgent

GREEN, ORDINARY = "三星", "一星"  # the default tiers (customers migration 0005): only 三星 has the green channel


@pytest.fixture
def vip(manager, org):
    return CustomerFactory(name="绿色客户", tier=GREEN, account_manager=manager, org_unit=org["east_team"])


@pytest.fixture
def plain(manager, org):
    return CustomerFactory(name="普通客户", tier=ORDINARY, account_manager=manager, org_unit=org["east_team"])


def _register(actor, customer) -> Ticket:
    ticket, _created = services.ticket_create(actor=actor, data=COMPLAINT, customer=customer)
    return ticket


def test_a_request_takes_the_green_channel_of_its_customers_tier(agent, vip, plain):
    assert _register(agent, vip).green_channel is True
    assert _register(agent, plain).green_channel is False
    assert Ticket.objects.filter(green_channel=True).count() == 1


# Each queue with two requests of the supervisor's scope: the green one is always the newer and
# the later due, so that every order of the queue (newest, oldest, due first) puts the ordinary
# one on top unless the green channel comes first.
QUEUE_SETUPS = {
    "mine": {"handled_by_user": True},
    "department": {"department": "east_team"},
    "unassigned": {},
    "all_open": {},
    "supervised": {"supervised": True},
    "due_soon": {"due_in": timedelta(hours=2)},
    "overdue": {"due_in": -timedelta(hours=2)},
    "closed": {"closed": True},
}


def _pair(queue, supervisor, vip, plain, org):
    """An ordinary request, and a green one registered after it, both in `queue` for the supervisor."""
    setup = QUEUE_SETUPS[queue]
    now = timezone.now()
    made = []
    for customer, due_shift in ((plain, timedelta(0)), (vip, timedelta(hours=1))):
        fields = {"owner": supervisor, "customer": customer, "supervised": setup.get("supervised", False)}
        if "department" in setup:
            fields["department"] = org[setup["department"]]
        if "due_in" in setup:  # the ordinary one is due first: "due first" would put it on top
            fields["due_at"] = now + setup["due_in"] + due_shift
        if setup.get("closed"):
            fields["closed_at"] = now
        fields["green_channel"] = customer is vip
        made.append(TicketFactory(**fields))
    return made


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize("queue", list(QUEUE_SETUPS))
def test_a_green_channel_request_outranks_an_older_ordinary_one_in_every_queue(
    via, queue, client_for, supervisor, vip, plain, org
):
    ordinary, green = _pair(queue, supervisor, vip, plain, org)
    for ordering in ("", "created", "-created", "due"):
        params = {"queue": queue, **({"ordering": ordering} if ordering else {})}
        if via == "page":
            response = client_for(supervisor).get(reverse("tickets:queue"), params)
            ids = [ticket.pk for ticket in response.context["page_obj"]]
        else:
            response = api(supervisor).get(reverse("api-request-list"), params)
            ids = [row["id"] for row in response.json()["results"]]
            assert [row["green_channel"] for row in response.json()["results"]] == [True, False]
        assert response.status_code == 200
        assert ids == [green.pk, ordinary.pk], (queue, ordering)


def test_without_the_green_channel_the_queue_keeps_its_own_order(client_for, supervisor, plain, org):
    older, newer = TicketFactory(owner=supervisor, customer=plain), TicketFactory(owner=supervisor, customer=plain)
    page = client_for(supervisor).get(reverse("tickets:queue"), {"queue": "all_open"}).context["page_obj"]
    assert [ticket.pk for ticket in page] == [newer.pk, older.pk]


def test_a_tier_change_of_the_customer_moves_their_requests_rank(client_for, agent, supervisor, vip, plain):
    other = _register(agent, vip)
    mine = _register(agent, plain)  # the newer: below the green one until its customer goes green too
    closed = TicketFactory(owner=agent, customer=plain, closed_at=timezone.now())
    assert list(selectors.ticket_list(supervisor, queue="all_open").values_list("pk", flat=True)) == [other.pk, mine.pk]
    customer_services.customer_update(
        actor=supervisor, customer=plain, expected_version=plain.version, data={"tier": GREEN}
    )
    assert set(Ticket.objects.filter(green_channel=True).values_list("pk", flat=True)) == {mine.pk, other.pk, closed.pk}
    # Both green now: newest first among them.
    assert list(selectors.ticket_list(supervisor, queue="all_open").values_list("pk", flat=True)) == [mine.pk, other.pk]
    plain.refresh_from_db()
    customer_services.customer_update(
        actor=supervisor, customer=plain, expected_version=plain.version, data={"tier": ""}
    )
    assert list(Ticket.objects.filter(green_channel=True).values_list("pk", flat=True)) == [other.pk]


def test_a_customer_edit_that_keeps_the_tier_leaves_the_requests_alone(agent, supervisor, vip):
    ticket = _register(agent, vip)
    Ticket.objects.filter(pk=ticket.pk).update(green_channel=False)  # so that a follow-up would show
    customer_services.customer_update(
        actor=supervisor, customer=vip, expected_version=vip.version, data={"name": "新名"}
    )
    assert Ticket.objects.get(pk=ticket.pk).green_channel is False


def test_an_admin_giving_or_taking_a_tiers_green_channel_moves_its_customers_requests(agent, vip, plain):
    green, ordinary = _register(agent, vip), _register(agent, plain)
    tier = Tier.objects.get(code=ORDINARY)
    tier.green_channel = True
    tier.save()
    assert Ticket.objects.get(pk=ordinary.pk).green_channel is True
    top = Tier.objects.get(code=GREEN)
    top.active = False  # a retired tier brings no green channel
    top.save()
    assert Ticket.objects.get(pk=green.pk).green_channel is False
    assert Ticket.objects.get(pk=ordinary.pk).green_channel is True


def test_linking_a_callers_request_to_a_green_customer_gives_it_the_green_channel(agent, vip):
    ticket, _created = services.ticket_create(actor=agent, data={**COMPLAINT, "caller_name": "来电人"})
    assert ticket.green_channel is False
    linked = services.ticket_link_customer(actor=agent, ticket=ticket, customer=vip)
    assert linked.green_channel is True and Ticket.objects.get(pk=ticket.pk).green_channel is True


def test_the_workbench_lists_urgent_green_requests_first(supervisor, vip, plain):
    now = timezone.now()
    ordinary = TicketFactory(owner=supervisor, customer=plain, due_at=now + timedelta(hours=1))
    green = TicketFactory(owner=supervisor, customer=vip, due_at=now + timedelta(hours=5), green_channel=True)
    assert [ticket.pk for ticket in most_urgent(supervisor)] == [green.pk, ordinary.pk]


def test_a_bulk_tier_change_moves_every_customers_requests(agent, admin_user, manager, org, monkeypatch):
    """Grading's approvals change thousands of tiers at once (customers_set_tier); the follow-up
    takes their ids a batch at a time and misses none."""
    from kefu.tickets.services import green_channel

    monkeypatch.setattr(green_channel, "IDS_PER_UPDATE", 2)
    customers = [
        CustomerFactory(name=f"客户{n}", tier=ORDINARY, account_manager=manager, org_unit=org["east_team"])
        for n in range(5)
    ]
    tickets = [_register(agent, customer) for customer in customers]
    customer_services.customers_set_tier(actor=admin_user, tiers={c.pk: GREEN for c in customers[:4]})
    flags = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("customer_id", "green_channel"))
    assert flags == {c.pk: c in customers[:4] for c in customers}
