"""Notifications people can see: a bell with the unread count, a list and a dropdown whose
entries lead to the request and are read from then on."""

import pytest
from django.urls import reverse

from kefu.inbox.models import Notification
from kefu.inbox.services import notify
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def _bell_count(page: str) -> str | None:
    marker = 'id="kefu-bell-count"'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_an_assignment_rings_the_assignees_bell_and_nobody_elses(client_for, supervisor, handler, agent, org):
    ticket = TicketFactory(owner=agent)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    assert _bell_count(client_for(handler).get(reverse("workbench")).content.decode()) == "1"
    assert _bell_count(client_for(agent).get(reverse("workbench")).content.decode()) is None


def test_the_dropdown_lists_the_newest_and_links_each_to_be_opened(client_for, supervisor, handler, agent, org):
    ticket = TicketFactory(owner=agent)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    notification = Notification.objects.get(recipient=handler)
    response = client_for(handler).get(reverse("inbox:dropdown"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert ticket.number in page and reverse("inbox:open", args=[notification.pk]) in page
    assert "<html" not in page  # a fragment for the bell's menu


def test_opening_a_notification_marks_it_read_and_leads_to_the_request(client_for, supervisor, handler, agent, org):
    ticket = TicketFactory(owner=agent)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    notification = Notification.objects.get(recipient=handler)
    client = client_for(handler)
    response = client.get(reverse("inbox:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == reverse("tickets:detail", args=[ticket.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _bell_count(client.get(reverse("workbench")).content.decode()) is None


def test_nobody_opens_someone_elses_notification(client_for, supervisor, handler, agent, org):
    ticket = TicketFactory(owner=agent)
    services.ticket_assign(actor=supervisor, ticket=ticket, assignee=handler, department=org["west"])
    notification = Notification.objects.get(recipient=handler)
    assert client_for(agent).get(reverse("inbox:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_without_a_request_leads_where_the_sender_said(client_for, agent):
    overdue = "/requests/?queue=overdue"
    notify(recipients=[agent], kind="sla_breached", text="3 个工单超时", dedupe_key="t1", url=overdue)
    notification = Notification.objects.get()
    response = client_for(agent).get(reverse("inbox:open", args=[notification.pk]))
    assert response.url == overdue


def test_the_list_shows_read_and_unread_and_marks_all_read(client_for, agent):
    for i in range(3):
        notify(recipients=[agent], kind="reminder", text=f"催办 {i}", dedupe_key=f"r{i}")
    client = client_for(agent)
    page = client.get(reverse("inbox:list")).content.decode()
    assert all(f"催办 {i}" in page for i in range(3)) and _bell_count(page) == "3"
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert _bell_count(client.get(reverse("inbox:list")).content.decode()) is None


def test_the_bell_caps_its_count(client_for, agent):
    for i in range(101):
        notify(recipients=[agent], kind="reminder", text=f"催办 {i}", dedupe_key=f"r{i}")
    assert _bell_count(client_for(agent).get(reverse("workbench")).content.decode()) == "99+"


def test_the_notification_pages_need_a_login(client):
    assert client.get(reverse("inbox:list")).status_code == 302
    assert client.get(reverse("inbox:dropdown")).status_code == 302
