"""A customer with service requests is never deleted (the requests are the service record);
their personal data can be erased instead (anonymised, PIPL Arts. 47 and 4): the pages (the API: api/)."""

from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.conftest import login
from kefu.customers import services
from kefu.customers.models import Customer, CustomerNote
from kefu.tickets.models import Ticket


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_deleting_a_customer_with_requests_is_refused_on_the_page_with_a_message(
    supervisor, own_customer, with_request
):
    response = login(supervisor).post(reverse("customers:delete", args=[own_customer.pk]))
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[own_customer.pk])
    assert any("匿名" in str(m) for m in get_messages(response.wsgi_request))
    assert Customer.objects.filter(pk=own_customer.pk).exists()


def test_a_customer_without_requests_is_still_deleted(supervisor, own_customer):
    assert api(supervisor).delete(reverse("api-customer-detail", args=[own_customer.pk])).status_code == 204
    assert not Customer.objects.filter(pk=own_customer.pk).exists()


def anonymised(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def assert_erased(customer, mobile, ticket):
    after = anonymised(customer)
    assert after.name != "张三" and "张三" not in after.name
    assert (after.mobile, after.phone, after.id_number, after.email, after.address, after.birthday) == (
        "", "", "", "", "", None,
    )  # fmt: skip
    assert not after.key_persons.exists() and not CustomerNote.objects.filter(customer=after).exists()
    # The requests stay (service record and statistics), without the caller's name and number.
    kept = Ticket.objects.get(pk=ticket.pk)
    assert kept.customer_id == after.pk and (kept.caller_name, kept.caller_phone) == ("", "")
    # Neither the new audit entry nor the earlier ones keep the erased values.
    entries = AuditEvent.objects.filter(customer_id=after.pk)
    assert entries.filter(action=AuditAction.ANONYMISED).count() == 1
    trail = " ".join(f"{e.target_repr} {e.summary} {e.changes}" for e in entries)
    assert mobile not in trail and "张三" not in trail and "刘总" not in trail


def test_anonymising_on_the_page(supervisor, own_customer, with_request):
    mobile = own_customer.mobile
    services_note = services.customer_note_add(actor=supervisor, customer=own_customer, text="张三说下周再来")
    response = login(supervisor).post(reverse("customers:anonymise", args=[own_customer.pk]))
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[own_customer.pk])
    assert not CustomerNote.objects.filter(pk=services_note.pk).exists()
    assert_erased(own_customer, mobile, with_request)


def test_the_detail_page_offers_anonymising_to_who_may_delete(supervisor, manager, own_customer, with_request):
    url = reverse("customers:detail", args=[own_customer.pk])
    anonymise = reverse("customers:anonymise", args=[own_customer.pk])
    assert anonymise in login(supervisor).get(url).content.decode()
    assert anonymise not in login(manager).get(url).content.decode()


def test_anonymising_needs_the_right_to_delete_customers(manager, own_customer, with_request):
    assert api(manager).post(reverse("api-customer-anonymise", args=[own_customer.pk])).status_code == 403
    assert login(manager).post(reverse("customers:anonymise", args=[own_customer.pk])).status_code == 403
    assert anonymised(own_customer).name == "张三"


def test_anonymising_outside_the_scope_is_not_found(supervisor, foreign_customer):
    assert api(supervisor).post(reverse("api-customer-anonymise", args=[foreign_customer.pk])).status_code == 404
    assert login(supervisor).post(reverse("customers:anonymise", args=[foreign_customer.pk])).status_code == 404
