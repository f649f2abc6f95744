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
