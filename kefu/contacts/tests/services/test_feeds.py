"""Contacts other features make reach the log through their hooks: an answered callback is a
phone contact with the customer, logged once."""

import pytest

from kefu.callbacks import services as callback_services
from kefu.callbacks.models import Callback
from kefu.callbacks.presets import callback_rules_install_defaults
from kefu.contacts.models import ContactDue, ContactLog
from kefu.tickets.tests.factories import TicketFactory, install_workflows, walk_to_callback

pytestmark = pytest.mark.django_db


def test_an_answered_callback_is_a_phone_contact_and_moves_the_due_date(agent, supervisor, own_customer):
    install_workflows()
    callback_rules_install_defaults()
    ticket = TicketFactory(owner=agent, customer=own_customer)
    walk_to_callback(ticket, agent, supervisor)
    task = Callback.objects.get(ticket=ticket)
    callback_services.callback_claim(actor=agent, callback=task)
    callback_services.callback_record(actor=agent, callback=task, result="satisfied", comment="抢修及时")

    contact = ContactLog.objects.get(customer=own_customer)
    assert (contact.channel, contact.source, contact.source_id, contact.user) == ("phone", "callback", task.pk, agent)
    assert "抢修及时" in contact.summary
    assert ContactDue.objects.get(customer=own_customer).last_contact_at == contact.contacted_at
