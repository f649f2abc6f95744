"""The customer edit form shows phones and the ID number masked like every other screen; the
full value comes only through the logged reveal, and saving the masked value keeps the number."""

import pytest
from django.urls import reverse

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.conftest import login
from kefu.customers.models import Customer

MOBILE, LANDLINE, ID_NUMBER = "13812345678", "02987654321", "11010519491231002X"


@pytest.fixture
def customer(own_customer):
    Customer.objects.filter(pk=own_customer.pk).update(mobile=MOBILE, phone=LANDLINE, id_number=ID_NUMBER)
    return Customer.objects.get(pk=own_customer.pk)


def form_data(customer, **changes) -> dict:
    data = {
        "kind": customer.kind, "name": customer.name, "status": customer.status, "version": customer.version,
        "mobile": "138****5678", "phone": "029****4321", "id_number": "1101**********002X",
        "address": customer.address, "account_manager": customer.account_manager_id,
    }  # fmt: skip
    return {**data, **changes}


def test_the_edit_form_shows_phones_and_the_id_number_masked(manager, customer):
    page = login(manager).get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert MOBILE not in page and LANDLINE not in page and ID_NUMBER not in page
    assert 'value="138****5678"' in page and 'value="1101**********002X"' in page
    assert reverse("customers:reveal", args=[customer.pk, "mobile"]) in page


def test_saving_with_the_masked_values_unchanged_keeps_the_numbers(manager, customer):
    response = login(manager).post(reverse("customers:edit", args=[customer.pk]), form_data(customer, region="东区"))
    assert response.status_code == 302
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.mobile, saved.phone, saved.id_number, saved.region) == (MOBILE, LANDLINE, ID_NUMBER, "东区")
    update = AuditEvent.objects.get(action=AuditAction.UPDATED, target_id=customer.pk)
    assert set(update.changes) == {"region"}


def test_a_new_number_typed_over_the_mask_is_saved(manager, customer):
    data = form_data(customer, mobile="139 0000 1111", id_number="")
    assert login(manager).post(reverse("customers:edit", args=[customer.pk]), data).status_code == 302
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.mobile, saved.phone, saved.id_number) == ("13900001111", LANDLINE, "")


def test_a_form_sent_back_with_an_error_still_shows_only_the_mask(manager, customer):
    page = login(manager).post(reverse("customers:edit", args=[customer.pk]), form_data(customer, name=""))
    assert page.status_code == 200
    assert MOBILE not in page.content.decode() and ID_NUMBER not in page.content.decode()


def test_revealing_in_the_form_gives_an_input_with_the_full_value_and_logs_it(manager, customer):
    response = login(manager).post(reverse("customers:reveal", args=[customer.pk, "mobile"]), {"into": "input"})
    assert f'value="{MOBILE}"' in response.content.decode() and 'name="mobile"' in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.REVEALED, actor=manager, customer_id=customer.pk).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_reveals_the_number_in_the_form_and_saves_a_new_one(page, live_server, manager, customer):
    from playwright.sync_api import expect

    from kefu.core.testing.browser import log_in

    log_in(page, live_server, "manager")
    page.goto(f"{live_server.url}{reverse('customers:edit', args=[customer.pk])}")
    expect(page.locator("#id_mobile")).to_have_value("138****5678")
    page.locator("#id_mobile + button").click()
    expect(page.locator("#id_mobile")).to_have_value(MOBILE)
    page.fill("#id_mobile", "13900002222")
    page.click("button[type=submit].btn-primary")
    expect(page).to_have_url(f"{live_server.url}{reverse('customers:detail', args=[customer.pk])}")
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.mobile, saved.id_number) == ("13900002222", ID_NUMBER)
