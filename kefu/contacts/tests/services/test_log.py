"""Logging a contact: the rules, each checked through the service, the page and the API, so the
two can never disagree; contacts fed by visits and callbacks logged once per record."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.conftest import api, login
from kefu.contacts import services
from kefu.contacts.choices import ContactSource
from kefu.contacts.models import ContactDue, ContactLog

pytestmark = pytest.mark.django_db

WAYS = ["service", "page", "api"]


def log(way, user, customer, **data):
    """Log a contact the given way; returns (status, errors by field)."""
    body = {"channel": "phone", "summary": "电话回访，客户反映电压不稳", **data}
    if way == "service":
        from django.core.exceptions import ValidationError

        from kefu.core.errors import ServiceError

        try:
            services.contact_log_record(actor=user, customer=customer, data=body)
        except ValidationError as refused:
            return 400, refused.message_dict
        except ServiceError as refused:
            return refused.status_code, {}
        return 201, {}
    if way == "page":
        form = {"customer": customer.pk, **{k: "" if v is None else v for k, v in body.items()}}
        response = login(user).post(reverse("contacts:log"), form)
        if response.status_code == 302:
            return 201, {}
        form = response.context.get("form") if response.context else None
        return response.status_code, dict(form.errors) if form is not None else {}
    response = api(user).post(reverse("api-contact-list"), {"customer": customer.pk, **body}, format="json")
    return response.status_code, response.json() if response.status_code == 400 else {}


@pytest.mark.parametrize("way", WAYS)
def test_a_manager_logs_a_contact_with_own_customer_audited_and_due_moves(way, manager, own_customer):
    status, _errors = log(way, manager, own_customer, next_step="寄送整改方案", next_step_on="2099-01-05")
    assert status == 201
    contact = ContactLog.objects.get(customer=own_customer)
    assert (contact.user, contact.channel, contact.source, contact.next_step) == (
        manager,
        "phone",
        ContactSource.MANUAL,
        "寄送整改方案",
    )
    assert AuditEvent.objects.filter(target_type="contacts.contactlog", target_id=contact.pk).exists()
    due = ContactDue.objects.get(customer=own_customer)
    assert due.last_contact_at == contact.contacted_at


@pytest.mark.parametrize("way", WAYS)
def test_a_customer_outside_the_managers_book_is_refused(way, manager, foreign_customer):
    status, errors = log(way, manager, foreign_customer)
    assert status in (400, 404)
    if way != "page":
        assert "customer" in errors
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize("way", WAYS)
def test_a_contact_without_summary_or_with_an_unknown_channel_names_both_fields(way, manager, own_customer):
    status, errors = log(way, manager, own_customer, channel="fax", summary="")
    assert status == 400
    assert {"channel", "summary"} <= set(errors)
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize("way", WAYS)
def test_a_contact_cannot_be_logged_ahead_of_time(way, manager, own_customer):
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    status, errors = log(
        way, manager, own_customer, contacted_at=later if way != "service" else timezone.now() + timedelta(days=2)
    )
    assert status == 400
    assert "contacted_at" in errors


@pytest.mark.parametrize("way", WAYS)
def test_a_next_step_date_before_the_contact_or_without_a_step_is_refused(way, manager, own_customer):
    status, errors = log(way, manager, own_customer, next_step="回电", next_step_on="2020-01-01")
    assert status == 400 and "next_step_on" in errors
    status, errors = log(way, manager, own_customer, next_step="", next_step_on="2099-01-01")
    assert status == 400 and "next_step" in errors


@pytest.mark.parametrize("way", WAYS)
def test_an_auditor_cannot_log_a_contact(way, auditor, own_customer):
    status, _errors = log(way, auditor, own_customer)
    assert status == 403
    assert not ContactLog.objects.exists()


def test_the_same_source_record_is_logged_once(manager, own_customer):
    data = {"channel": "phone", "summary": "催费电话"}
    first = services.contact_log_from_source(
        actor=manager, customer_id=own_customer.pk, source=ContactSource.COLLECTION, source_id=7, data=data
    )
    again = services.contact_log_from_source(
        actor=manager, customer_id=own_customer.pk, source=ContactSource.COLLECTION, source_id=7, data=data
    )
    assert first.pk == again.pk
    assert ContactLog.objects.count() == 1


def test_a_recorded_visit_is_a_contact_by_visit(manager, own_customer):
    from kefu.tickets.tests.factories import install_workflows
    from kefu.visits import services as visit_services
    from kefu.visits.models import Visit

    install_workflows()
    visit = Visit.objects.create(
        customer=own_customer, manager=manager, period_start=date(2026, 1, 1), due_date=date(2026, 12, 31)
    )
    visit_services.visit_record(actor=manager, visit=visit, data={"purpose": "年度走访", "outcome": "设备运行正常"})
    contact = ContactLog.objects.get(customer=own_customer)
    assert (contact.channel, contact.source, contact.source_id) == ("visit", "visit", visit.pk)
    assert "设备运行正常" in contact.summary
