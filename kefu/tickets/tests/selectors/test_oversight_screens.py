"""The supervisors' queues: incoming transfers to their units, and plans and extensions waiting for a decision."""

from kefu.tickets import selectors, services
from kefu.tickets.tests.factories import TicketFactory, request_extension


def test_incoming_lists_the_requests_transferred_to_the_supervisors_units(supervisor, agent, org):
    to_east = TicketFactory(owner=agent, department=org["west"])
    to_west = TicketFactory(owner=agent, department=org["east"])
    TicketFactory(owner=agent, department=org["east"])
    services.ticket_transfer_request(actor=agent, ticket=to_east, to_department=org["east_team"], reason="属抢修")
    services.ticket_transfer_request(actor=agent, ticket=to_west, to_department=org["west"], reason="属抢修")
    assert list(selectors.ticket_queue(supervisor, "incoming")) == [to_east]


def test_approvals_lists_plans_and_extensions_waiting_for_a_decision(supervisor, agent, own_customer):
    plan = TicketFactory(owner=agent, customer=own_customer)
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        services.ticket_transition(actor=agent, ticket=plan, code=code, fields=fields)
    extension = TicketFactory(owner=agent, customer=own_customer)
    request_extension(extension, agent)
    TicketFactory(owner=agent, customer=own_customer)  # nothing to decide
    assert set(selectors.ticket_queue(supervisor, "approvals")) == {plan, extension}


def test_approvals_leaves_out_the_supervisors_own_plans_and_extensions(supervisor, admin_user, agent, own_customer):
    """Nobody decides on their own proposal, so the tab does not offer it to them."""
    own_plan = TicketFactory(owner=supervisor, customer=own_customer)
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        services.ticket_transition(actor=supervisor, ticket=own_plan, code=code, fields=fields)
    own_extension = TicketFactory(owner=supervisor, customer=own_customer)
    request_extension(own_extension, supervisor)
    agents_plan = TicketFactory(owner=agent, customer=own_customer)
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        services.ticket_transition(actor=agent, ticket=agents_plan, code=code, fields=fields)
    assert set(selectors.ticket_queue(supervisor, "approvals")) == {agents_plan}
    # Another approver still has both to decide.
    assert set(selectors.ticket_queue(admin_user, "approvals")) == {own_plan, own_extension, agents_plan}
