"""Who sees routed requests: the receiving department, a unit added below, the deadline queues, tab counts."""

from datetime import timedelta

from django.utils import timezone

from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory


def test_the_receiving_department_sees_a_request_transferred_to_it(ticket, agent, org, crew):
    from kefu.tickets.selectors import tickets_visible_to

    assert not tickets_visible_to(crew[0]).filter(pk=ticket.pk).exists()
    transfer = services.ticket_transfer_request(actor=agent, ticket=ticket, to_department=org["east_team"], reason="x")
    assert list(tickets_visible_to(crew[0]).filter(pk=ticket.pk)) == [ticket]
    services.ticket_transfer_decide(actor=crew[0], transfer=transfer, accept=False, note="不属于我们")
    assert not tickets_visible_to(crew[0]).filter(pk=ticket.pk).exists()


def test_a_unit_added_below_a_handlers_unit_is_in_their_scope_at_once(org, agent, own_customer):
    from kefu.org.tests.factories import make_unit
    from kefu.tickets.selectors import tickets_visible_to

    handler = UserFactory(username="east_handler", role=Role.HANDLER, org_unit=org["east"])
    assert not tickets_visible_to(handler).exists()  # the unit tree is now in the cache
    new_crew = make_unit("抢修二队", parent=org["east"])
    ticket = TicketFactory(owner=agent, customer=own_customer, department=new_crew)
    assert list(tickets_visible_to(handler)) == [ticket]
    assert not tickets_visible_to(UserFactory(role=Role.HANDLER, org_unit=org["west"])).exists()


def test_the_deadline_queues_list_the_most_urgent_first_unless_told_otherwise(agent, own_customer):
    from kefu.tickets.selectors import ticket_list

    now = timezone.now()
    dues = [now - timedelta(days=2), now - timedelta(hours=1), now + timedelta(hours=1), now + timedelta(hours=3)]
    made = [TicketFactory(owner=agent, customer=own_customer, due_at=due) for due in dues]
    assert list(ticket_list(agent, queue="overdue")) == [made[0], made[1]]
    assert list(ticket_list(agent, queue="due_soon")) == [made[2], made[3]]
    assert list(ticket_list(agent, queue="overdue", filters={"ordering": "-created"})) == [made[1], made[0]]
    assert list(ticket_list(agent, queue="all_open")) == made[::-1]


def test_a_handlers_tab_counts_read_the_pending_transfers_of_their_units_once(crew, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.tickets.selectors import APPROVER_QUEUES, QUEUES, queue_counts

    settings.KEFU_QUEUE_COUNT_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        queue_counts(crew[0])
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len([sql for sql in sqls if 'FROM "tickets_transfer"' in sql]) == 1
    # Not "closed", nor the approvers' queues (a handler approves nothing).
    assert len([sql for sql in sqls if sql.startswith("SELECT COUNT(*)")]) == len(QUEUES) - 1 - len(APPROVER_QUEUES)
