"""Names and titles refuse control characters and text-direction overrides (a name that reads
"ABC" but sorts and searches as "CBA", a title whose second half runs backwards), with a clear
error on the field: one check (kefu.core.text) used by the customer and new-request cleaning,
so pages, API and imports agree."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.conftest import login
from kefu.core.testing.factories import CustomerFactory, install_workflows
from kefu.core.text import check_text
from kefu.customers.models import Customer, KeyPerson
from kefu.tickets.models import Ticket

REFUSED = ["\u202e", "\u202a", "\u202d", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c",
           "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\n", "\t", "\r"]  # fmt: skip


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("character", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_single_line_text_refuses_the_character(character):
    errors = {}
    check_text(f"张{character}三", "name", errors)
    assert f"U+{ord(character):04X}" in errors["name"]


@pytest.mark.parametrize("character", ["\n", "\t", "\r"])
def test_multi_line_text_keeps_newlines_and_tabs(character):
    errors = {}
    check_text(f"第一行{character}第二行", "description", errors, multiline=True)
    assert errors == {}


def test_multi_line_text_still_refuses_overrides_and_other_controls():
    errors = {}
    check_text("正常\n\u202e反向", "description", errors, multiline=True)
    assert "U+202E" in errors["description"]


def test_ordinary_chinese_names_and_emoji_pass():
    errors = {}
    for text in ["张三", "北京·朝阳区", "O'Brien & Co.", "王\u200d👨\u200d👩", "Ａ栋１０１"]:
        check_text(text, "name", errors)
    assert errors == {}


# --- customers: page, API, key persons --------------------------------------------------------


def test_the_api_refuses_a_customer_name_with_a_direction_override(manager):
    response = api(manager).post(reverse("api-customer-list"), {"name": "张\u202e三"}, format="json")
    assert response.status_code == 400 and "U+202E" in str(response.json()["name"])
    assert not Customer.objects.exists()


def test_the_customer_form_refuses_a_name_with_a_control_character(manager):
    data = {"name": "张\x1b三", "kind": "individual", "status": "active"}
    response = login(manager).post(reverse("customers:create"), data)
    assert response.status_code == 200 and "U+001B" in response.content.decode()
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


# --- new requests: page and API -----------------------------------------------------------------

NEW = {
    "ticket_type": "complaint",
    "channel": "phone",
    "priority": "normal",
    "title": "停电未通知",
    "description": "昨日停电\n未通知",
}


def test_the_api_refuses_a_request_title_with_an_isolate(agent, own_customer):
    install_workflows()
    body = {**NEW, "customer": own_customer.pk, "title": "停电\u2066未通知"}
    response = api(agent).post(reverse("api-request-list"), body, format="json")
    assert response.status_code == 400 and "U+2066" in str(response.json()["title"])
    assert not Ticket.objects.exists()


def test_the_new_request_form_refuses_a_caller_name_with_an_override(agent):
    install_workflows()
    data = {**NEW, "caller_name": "陈\u202e先生", "caller_phone": "13712345678", "token": "t"}
    response = login(agent).post(reverse("tickets:create"), data)
    assert response.status_code == 200 and "U+202E" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_request_description_keeps_its_line_breaks(agent):
    install_workflows()
    customer = CustomerFactory()
    response = api(agent).post(reverse("api-request-list"), {**NEW, "customer": customer.pk}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().description == "昨日停电\n未通知"


def test_the_service_refuses_what_the_form_would(agent):
    from kefu.tickets.services import ticket_create

    install_workflows()
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=agent, data={**NEW, "title": "a\x00b", "caller_name": "陈先生"})
    assert "title" in refused.value.message_dict
