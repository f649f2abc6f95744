"""A customer with service requests is never deleted (the requests are the service record);
their personal data can be erased instead (anonymised, PIPL Arts. 47 and 4): the pages (the API: api/)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from kefu.conftest import api, login
from kefu.customers import services
from kefu.customers.models import Customer, CustomerNote
from kefu.customers.tests.factories import anonymised, assert_erased


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
