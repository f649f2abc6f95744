"""The audit trail reads like a record: field labels, names instead of ids, local times, any
kind of record selectable, and columns that keep their words together."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kefu.core.testing import count_queries
from kefu.customers import services as customer_services
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def _audit_page(client, **params):
    return client.get(reverse("audit:list"), params).content.decode()


def test_a_change_is_shown_by_the_fields_label_not_its_column(client_for, auditor, manager, own_customer):
    customer_services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": "东区"})
    page = _audit_page(client_for(auditor))
    assert "区域</span>: " in page and "<code>region</code>" not in page


def test_people_and_departments_are_named_not_numbered(client_for, auditor, supervisor, agent, handler, org):
    ticket = TicketFactory(owner=agent)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    page = _audit_page(client_for(auditor), target_type="tickets.ticket")
    assert '处理人</span>: <del class="text-danger">∅</del> → <ins class="text-success">周抢修</ins>' in page
    assert "处理部门</span>" in page and "城西分公司" in page
    assert f">{handler.pk}</ins>" not in page


def test_a_recorded_state_code_is_shown_by_the_states_name(client_for, auditor, agent):
    ticket = TicketFactory(owner=agent)
    services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge", fields={}, note="", expected_version=1)
    page = _audit_page(client_for(auditor), target_type="tickets.ticket")
    assert "已受理" in page and "已告知受理" in page


def test_times_in_a_change_are_shown_in_local_time(client_for, auditor, supervisor, agent):
    due = datetime(2030, 1, 2, 2, 0, tzinfo=UTC)
    ticket = TicketFactory(owner=agent, due_at=due)
    extension = services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=due + timedelta(days=1), reason="需协调施工队"
    )
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    page = _audit_page(client_for(auditor), target_type="tickets.ticket")
    # Shanghai is 8 hours ahead of UTC: 02:00 UTC reads 10:00.
    assert "2030-01-02 10:00" in page and "2030-01-03 10:00" in page
    assert "+00:00" not in page


def test_requests_can_be_chosen_in_the_object_filter(client_for, auditor, agent, manager, own_customer):
    TicketFactory(owner=agent)
    services.ticket_comment(actor=agent, ticket=TicketFactory(owner=agent), body="已联系客户", internal=False)
    customer_services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": "东区"})
    client = client_for(auditor)
    assert '<option value="tickets.ticket">服务工单</option>' in _audit_page(client)
    events = client.get(reverse("audit:list"), {"target_type": "tickets.ticket"}).context["page_obj"]
    assert events and {e.target_type for e in events} == {"tickets.ticket"}


def test_a_request_entry_links_to_the_request(client_for, auditor, agent):
    ticket = TicketFactory(owner=agent)
    services.ticket_comment(actor=agent, ticket=ticket, body="已联系客户", internal=False)
    page = _audit_page(client_for(auditor), target_type="tickets.ticket")
    assert f'href="{reverse("tickets:detail", args=[ticket.pk])}"' in page


def test_names_are_read_in_one_query_per_kind_of_record_whatever_the_number_of_entries(
    client_for, auditor, supervisor, agent, org
):
    client = client_for(auditor)

    def assign_one():
        handler = UserFactory(role=Role.HANDLER, org_unit=org["west"])
        services.ticket_assign(
            actor=supervisor, ticket=TicketFactory(owner=agent), assignee=handler, department=org["west"]
        )

    assign_one()
    client.get(reverse("audit:list"))
    with_one = count_queries(lambda: client.get(reverse("audit:list"), {"target_type": "tickets.ticket"}))
    for _i in range(6):
        assign_one()
    assert count_queries(lambda: client.get(reverse("audit:list"), {"target_type": "tickets.ticket"})) == with_one
