"""The reads behind the request pages: workbench cards, a caller's open requests, and queue counts
(capped, kept a while per user)."""

from datetime import timedelta

from django.utils import timezone, translation

from kefu.core.testing import count_queries
from kefu.core.workbench import workbench_cards
from kefu.tickets import selectors, services
from kefu.tickets.tests.factories import TicketFactory


def test_workbench_cards_count_the_queues_and_list_the_most_urgent(agent, own_customer):
    soon = TicketFactory(
        owner=agent, customer=own_customer, title="明早到期", due_at=timezone.now() + timedelta(hours=3)
    )
    TicketFactory(owner=agent, customer=own_customer, title="下周到期", due_at=timezone.now() + timedelta(days=7))
    with translation.override("en"):
        cards = {str(card["title"]): card for card in workbench_cards(agent)}
    assert cards["My open requests"]["value"] == 2
    assert cards["Due soon"]["value"] == 1
    assert cards["Due soon"]["url"].endswith("?queue=due_soon")
    urgent = cards["Open requests"]["hint"]
    assert urgent.index(soon.title) < urgent.index("下周到期")


def test_workbench_cards_run_a_bounded_number_of_queries(agent, own_customer):
    TicketFactory(owner=agent, customer=own_customer, due_at=timezone.now())
    with_one = count_queries(lambda: workbench_cards(agent))
    TicketFactory.create_batch(49, owner=agent, customer=own_customer, due_at=timezone.now())
    assert count_queries(lambda: workbench_cards(agent)) == with_one


def test_no_workbench_cards_without_the_capability(nobody):
    assert not [c for c in workbench_cards(nobody) if "requests" in str(c["url"])]


def test_open_tickets_for_caller_matches_customers_or_the_phone_within_scope(manager, own_customer, foreign_customer):
    own = TicketFactory(owner=manager, customer=own_customer)
    by_phone = TicketFactory(owner=manager, caller_phone="13700001234")
    TicketFactory(owner=manager, customer=foreign_customer)  # visible to manager (owner) but another customer
    closed = TicketFactory(owner=manager, customer=own_customer, closed_at=timezone.now())
    found = selectors.open_tickets_for_caller(manager, customer_ids=[own_customer.pk], phone="13700001234")
    assert {t.pk for t in found} == {own.pk, by_phone.pk} and closed.pk not in {t.pk for t in found}
    assert selectors.open_tickets_for_caller(manager) == []


def test_queue_counts_stop_at_the_cap_and_say_so(agent, own_customer):
    TicketFactory.create_batch(3, owner=agent, customer=own_customer)
    counts = selectors.queue_counts(agent, cap=2)
    assert counts["mine"] == "2+" and counts["all_open"] == "2+" and counts["overdue"] == 0
    assert selectors.queue_counts(agent, cap=3)["mine"] == 3


def test_queue_counts_are_kept_a_while_per_user(agent, supervisor, own_customer):
    TicketFactory(owner=agent, customer=own_customer)
    assert selectors.queue_counts(agent)["all_open"] == 1
    TicketFactory(owner=supervisor, customer=own_customer)  # someone else's new request
    assert count_queries(lambda: selectors.queue_counts(agent)) == 0
    assert selectors.queue_counts(agent)["all_open"] == 1  # counted again after KEFU_QUEUE_COUNT_SECONDS
    assert selectors.queue_counts(supervisor)["all_open"] == 2  # each user has their own counts


def test_the_user_s_own_change_counts_their_queues_again(agent, own_customer):
    assert selectors.queue_counts(agent)["mine"] == 0
    services.ticket_create(
        actor=agent, data={"ticket_type": "inquiry", "channel": "phone", "title": "电费", "description": "咨询电费"},
        customer=own_customer,
    )  # fmt: skip
    assert selectors.queue_counts(agent)["mine"] == 1


def test_queue_counts_kept_for_zero_seconds_are_counted_every_time(agent, own_customer, settings):
    settings.KEFU_QUEUE_COUNT_SECONDS = 0
    selectors.queue_counts(agent)
    TicketFactory(owner=agent, customer=own_customer)
    assert selectors.queue_counts(agent)["mine"] == 1
