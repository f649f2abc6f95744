"""The customer and new-request forms refuse names with control characters or direction overrides,
with the error on the field (the check itself: services/test_invisible_characters.py)."""

from django.urls import reverse

from kefu.conftest import login
from kefu.core.tests.factories import NEW
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import install_workflows


def test_the_customer_form_refuses_a_name_with_a_control_character(manager):
    data = {"name": "张\x1b三", "kind": "individual", "status": "active"}
    response = login(manager).post(reverse("customers:create"), data)
    assert response.status_code == 200 and "U+001B" in response.content.decode()
    assert not Customer.objects.exists()


# --- new requests ---------------------------------------------------------------------------------


def test_the_new_request_form_refuses_a_caller_name_with_an_override(agent):
    install_workflows()
    data = {**NEW, "caller_name": "陈\u202e先生", "caller_phone": "13712345678", "token": "t"}
    response = login(agent).post(reverse("tickets:create"), data)
    assert response.status_code == 200 and "U+202E" in response.content.decode()
    assert not Ticket.objects.exists()
