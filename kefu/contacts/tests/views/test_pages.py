"""The contacts pages and API: who sees which rows (the same selectors), the plans admin, the
customer 360 panel and the workbench card."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.conftest import api, login
from kefu.contacts.due import contacts_due_refresh
from kefu.contacts.models import ContactLog, ContactPlan
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_rows(manager, other_manager, own_customer, foreign_customer):
    """Both customers never contacted and registered long ago: each is overdue for its manager."""
    from kefu.customers.models import Customer

    Customer.objects.update(created_at=timezone.now() - timedelta(days=400))
    contacts_due_refresh()


def due_ids_page(user):
    response = login(user).get(reverse("contacts:due"))
    assert response.status_code == 200
    return {row.customer_id for row in response.context["page_obj"]}


def due_ids_api(user, **query):
    response = api(user).get(reverse("api-contact-due-list"), query)
    assert response.status_code == 200, response.content
    return {row["customer"] for row in response.json()["results"]}


@pytest.mark.parametrize("read", [due_ids_page, due_ids_api])
def test_a_manager_sees_only_their_own_contacts_due(read, due_rows, manager, own_customer):
    assert read(manager) == {own_customer.pk}


@pytest.mark.parametrize("read", [due_ids_page, due_ids_api])
def test_a_supervisor_sees_their_teams_contacts_due_not_another_branchs(read, due_rows, supervisor, own_customer):
    assert read(supervisor) == {own_customer.pk}


def test_the_supervisors_page_and_api_count_overdue_contacts_per_manager(due_rows, supervisor, manager):
    response = login(supervisor).get(reverse("contacts:due"))
    assert [(row["manager_id"], row["overdue"]) for row in response.context["team"]] == [(manager.pk, 1)]
    answer = api(supervisor).get(reverse("api-contact-due-per-manager")).json()
    assert [(row["manager"], row["overdue"]) for row in answer] == [(manager.pk, 1)]


def test_people_without_contacts_see_no_list(due_rows, handler):
    assert login(handler).get(reverse("contacts:due")).status_code == 403
    assert api(handler).get(reverse("api-contact-due-list")).status_code == 403
    assert api().get(reverse("api-contact-due-list")).status_code in (401, 403)
    assert login(handler).get(reverse("contacts:history")).status_code == 403


@pytest.mark.parametrize("query", [{"manager": "abc"}, {"reason": "someday"}, {"until": "9999-99-99"}])
def test_a_bad_filter_is_refused_by_the_api_and_named_on_the_page(query, due_rows, manager):
    response = api(manager).get(reverse("api-contact-due-list"), query)
    assert response.status_code == 400 and set(query) <= set(response.json())
    page = login(manager).get(reverse("contacts:due"), query)
    assert page.status_code == 200 and page.context["filter_errors"]


def test_the_contact_log_shows_only_contacts_of_customers_in_scope(
    manager, other_manager, own_customer, foreign_customer
):
    for customer, user in ((own_customer, manager), (foreign_customer, other_manager)):
        ContactLog.objects.create(
            customer=customer, user=user, contacted_at=timezone.now(), channel="phone", summary="问候"
        )
    page = login(manager).get(reverse("contacts:history"))
    assert {log.customer_id for log in page.context["page_obj"]} == {own_customer.pk}
    answer = api(manager).get(reverse("api-contact-list")).json()
    assert {row["customer"] for row in answer["results"]} == {own_customer.pk}
    foreign = ContactLog.objects.get(customer=foreign_customer)
    assert api(manager).get(reverse("api-contact-detail", args=[foreign.pk])).status_code == 404


def test_the_log_page_of_a_customer_out_of_scope_is_not_found(manager, foreign_customer):
    assert login(manager).get(reverse("contacts:log"), {"customer": foreign_customer.pk}).status_code == 404
    assert login(manager).get(reverse("contacts:log"), {"customer": "1e30"}).status_code == 404


def test_the_log_page_shows_the_form_and_the_last_contacts(manager, own_customer):
    ContactLog.objects.create(
        customer=own_customer, user=manager, contacted_at=timezone.now(), channel="phone", summary="上次问候"
    )
    response = login(manager).get(reverse("contacts:log"), {"customer": own_customer.pk})
    assert response.status_code == 200
    assert "上次问候" in response.content.decode()


@pytest.mark.parametrize("way", ["page", "api"])
def test_an_admin_adds_a_plan_and_a_second_plan_for_the_tier_is_refused_on_tier(way, admin_user):
    ContactPlan.objects.filter(tier="二星").delete()
    body = {"tier": "二星", "every_days": 14, "channel": "visit", "quarterly_review": True}
    if way == "page":
        assert login(admin_user).post(reverse("contacts:plans"), body).status_code == 302
        again = login(admin_user).post(reverse("contacts:plans"), body)
        assert again.status_code == 400 and "tier" in again.context["form"].errors
    else:
        assert api(admin_user).post(reverse("api-contact-plan-list"), body, format="json").status_code == 201
        again = api(admin_user).post(reverse("api-contact-plan-list"), body, format="json")
        assert again.status_code == 400 and "tier" in again.json()
    plan = ContactPlan.objects.get(tier="二星")
    assert (plan.every_days, plan.channel, plan.quarterly_review) == (14, "visit", True)
    assert AuditEvent.objects.filter(target_type="contacts.contactplan", target_id=plan.pk).exists()


@pytest.mark.parametrize("body", [{"every_days": 0}, {"every_days": "abc"}, {"channel": "fax"}, {"tier": "五星"}])
def test_a_bad_plan_value_is_refused_naming_the_field(body, admin_user):
    plan = ContactPlan.objects.get(tier="一星")
    response = api(admin_user).patch(reverse("api-contact-plan-detail", args=[plan.pk]), body, format="json")
    assert response.status_code == 400 and set(body) <= set(response.json())
    assert ContactPlan.objects.get(pk=plan.pk).every_days == 90


def test_a_plan_edit_refused_on_the_page_names_the_field_by_its_label(admin_user):
    plan = ContactPlan.objects.get(tier="一星")
    body = {"tier": "一星", "every_days": 0, "channel": "phone"}
    response = login(admin_user).post(reverse("contacts:plan_edit", args=[plan.pk]), body, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("间隔（天）: ") and "every_days" not in message
    assert ContactPlan.objects.get(pk=plan.pk).every_days == 90


def test_only_admins_change_plans(manager, supervisor):
    plan = ContactPlan.objects.get(tier="一星")
    for user in (manager, supervisor):
        assert (
            api(user)
            .patch(reverse("api-contact-plan-detail", args=[plan.pk]), {"every_days": 5}, format="json")
            .status_code
            == 403
        )
        assert (
            login(user)
            .post(reverse("contacts:plan_edit", args=[plan.pk]), {"every_days": 5, "channel": "phone"})
            .status_code
            == 403
        )
    assert login(manager).get(reverse("contacts:plans")).status_code == 200  # reading them is fine
    assert ContactPlan.objects.get(pk=plan.pk).every_days == 90


def test_a_shorter_plan_brings_the_tiers_due_dates_forward(admin_user, manager, org):
    customer = CustomerFactory(tier="一星", account_manager=manager, org_unit=org["east_team"])
    ContactLog.objects.create(
        customer=customer, user=manager, contacted_at=timezone.now(), channel="phone", summary="问候"
    )
    contacts_due_refresh()
    plan = ContactPlan.objects.get(tier="一星")
    api(admin_user).patch(reverse("api-contact-plan-detail", args=[plan.pk]), {"every_days": 10}, format="json")
    from kefu.contacts.models import ContactDue

    assert ContactDue.objects.get(customer=customer).due_on == timezone.localdate() + timedelta(days=10)


def test_the_customer_page_shows_the_contacts_panel(manager, own_customer):
    ContactLog.objects.create(
        customer=own_customer, user=manager, contacted_at=timezone.now(), channel="phone", summary="季度问候电话"
    )
    contacts_due_refresh()
    page = login(manager).get(reverse("customers:detail", args=[own_customer.pk])).content.decode()
    assert 'id="customer-panel-contacts"' in page and "季度问候电话" in page


def test_the_workbench_shows_the_managers_contacts_due(due_rows, manager):
    page = login(manager).get(reverse("workbench")).content.decode()
    assert reverse("contacts:due") in page
