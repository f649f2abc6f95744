"""Test factories of service requests."""

import factory
from factory.django import DjangoModelFactory

from kefu.org.tests.factories import UserFactory


def install_workflows():
    from kefu.tickets.services.setup import workflows_install_defaults

    workflows_install_defaults()


class TicketFactory(DjangoModelFactory):
    """A request in the initial state of its type's workflow (install_workflows() first)."""

    class Meta:
        model = "tickets.Ticket"

    ticket_type = "complaint"
    channel = "phone"
    title = factory.Sequence(lambda n: f"投诉{n}: 频繁停电")
    description = "近一周停电三次，影响生产。"
    caller_name = ""
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")

    @factory.lazy_attribute
    def search_grams(self):
        from kefu.core.search import search_keys

        return search_keys(self.title, self.description, self.caller_name)  # as ticket_create stores them

    @factory.lazy_attribute
    def state(self):
        from kefu.tickets.models import WorkflowState

        return WorkflowState.objects.get(workflow__ticket_type=self.ticket_type, is_initial=True)


# A complaint as the hotline registers it, with the remedy the customer asks for (the lifecycle tests).
COMPLAINT = {
    "ticket_type": "complaint",
    "channel": "phone",
    "title": "计划停电未提前通知",
    "description": "小区昨日停电8小时，没有收到任何通知。",
    "remedy_requested": "书面道歉并赔偿冰箱内损失",
}


# The request list's filters: values that are none of theirs (the page ignores them and says so, the API refuses them).
BAD_FILTER_VALUES = [
    ("customer", "abc"),
    ("customer", "1e30"),
    ("customer", "99999999999999999999"),
    ("department", "abc"),
    ("department", "99999999999999999999"),
    ("ticket_type", "letter"),
    ("queue", "everything"),
    ("ordering", "title"),
]


def step(ticket, actor, code, **fields):
    """`actor` takes the workflow step `code` on `ticket`, filling `fields`."""
    from kefu.tickets import services

    return services.ticket_transition(actor=actor, ticket=ticket, code=code, fields=fields)


def walk_to_callback(ticket, agent, supervisor):
    """A complaint taken from registration to the customer's confirmation: next comes the callback."""
    step(ticket, agent, "acknowledge")
    step(ticket, agent, "assess_valid")
    step(ticket, agent, "propose_plan", resolution_plan="致歉")
    step(ticket, supervisor, "approve_plan")
    step(ticket, agent, "implemented", resolution="已致歉")
    step(ticket, agent, "customer_confirmed")


def request_extension(ticket, agent):
    """The agent asks for two more days on a request due in 30 hours."""
    from datetime import timedelta

    from django.utils import timezone

    from kefu.tickets import services
    from kefu.tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=30))
    ticket.refresh_from_db()
    return services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )


def put_under_supervision(ticket, supervisor):
    from kefu.tickets import services

    return services.ticket_supervise(actor=supervisor, ticket=ticket, note="今日内答复")
