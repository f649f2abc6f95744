"""The API refuses names and titles with control characters or direction overrides, naming the field,
and keeps line breaks in multi-line text (the check itself: services/test_invisible_characters.py)."""

from django.urls import reverse

from kefu.conftest import api
from kefu.core.tests.factories import NEW
from kefu.customers.models import Customer, KeyPerson
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import install_workflows

# --- customers and key persons --------------------------------------------------------------------


def test_the_api_refuses_a_customer_name_with_a_direction_override(manager):
    response = api(manager).post(reverse("api-customer-list"), {"name": "张\u202e三"}, format="json")
    assert response.status_code == 400 and "U+202E" in str(response.json()["name"])
    assert not Customer.objects.exists()


def test_the_api_refuses_a_key_person_name_with_a_direction_mark(manager, own_customer):
    response = api(manager).post(
        reverse("api-key-person-list"), {"customer": own_customer.pk, "name": "刘\u200f总"}, format="json"
    )
    assert response.status_code == 400 and "U+200F" in str(response.json()["name"])
    assert not KeyPerson.objects.exists()


def test_customer_notes_keep_their_line_breaks(manager):
    response = api(manager).post(
        reverse("api-customer-list"), {"name": "张三", "notes": "第一行\r\n第二行\t备注"}, format="json"
    )
    assert response.status_code == 201
    assert Customer.objects.get().notes == "第一行\r\n第二行\t备注"


# --- new requests ---------------------------------------------------------------------------------


def test_the_api_refuses_a_request_title_with_an_isolate(agent, own_customer):
    install_workflows()
    body = {**NEW, "customer": own_customer.pk, "title": "停电\u2066未通知"}
    response = api(agent).post(reverse("api-request-list"), body, format="json")
    assert response.status_code == 400 and "U+2066" in str(response.json()["title"])
    assert not Ticket.objects.exists()


def test_a_request_description_keeps_its_line_breaks(agent):
    install_workflows()
    customer = CustomerFactory()
    response = api(agent).post(reverse("api-request-list"), {**NEW, "customer": customer.pk}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().description == "昨日停电\n未通知"
