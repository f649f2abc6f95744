"""The API refuses to delete a customer with service requests (409) and anonymises instead, as the pages do."""

from django.urls import reverse

from kefu.conftest import api
from kefu.customers import services
from kefu.customers.models import Customer
from kefu.customers.tests.factories import KeyPersonFactory, anonymised, assert_erased


def test_deleting_a_customer_with_requests_is_refused_in_the_api_with_409(supervisor, own_customer, with_request):
    response = api(supervisor).delete(reverse("api-customer-detail", args=[own_customer.pk]))
    assert response.status_code == 409
    assert "匿名" in response.json()["detail"]
    assert Customer.objects.filter(pk=own_customer.pk).exists()


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
