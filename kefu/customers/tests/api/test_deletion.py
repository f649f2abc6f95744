"""The API refuses to delete a customer with service requests (409) and anonymises instead, as the pages do."""

from django.urls import reverse
from rest_framework.test import APIClient

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.customers import services
from kefu.customers.models import Customer, CustomerNote
from kefu.customers.tests.factories import KeyPersonFactory
from kefu.tickets.models import Ticket


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_deleting_a_customer_with_requests_is_refused_in_the_api_with_409(supervisor, own_customer, with_request):
    response = api(supervisor).delete(reverse("api-customer-detail", args=[own_customer.pk]))
    assert response.status_code == 409
    assert "匿名" in response.json()["detail"]
    assert Customer.objects.filter(pk=own_customer.pk).exists()


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


def test_anonymising_through_the_api_erases_personal_data_and_keeps_the_requests(
    supervisor, own_customer, with_request
):
    mobile = own_customer.mobile
    KeyPersonFactory(customer=own_customer, name="刘总")
    services.customer_update(
        actor=supervisor, customer=own_customer, expected_version=own_customer.version, data={"address": "东街1号"}
    )
    response = api(supervisor).post(reverse("api-customer-anonymise", args=[own_customer.pk]))
    assert response.status_code == 200
    assert response.json()["name"] == anonymised(own_customer).name
    assert_erased(own_customer, mobile, with_request)
