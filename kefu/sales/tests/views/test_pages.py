"""The sales pages: each opens for those who may, refuses the others, and goes through the same
services as the API (a refused field is shown on the form, nothing written)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kefu.audit.models import AuditEvent
from kefu.conftest import api, caller, login
from kefu.org.tests.factories import UserFactory
from kefu.sales import selectors, services
from kefu.sales.models import CampaignEntry, CompetitorRecord, PriceRequest, Prospect
from kefu.sales.tests.factories import CompetitorRecordFactory, NamedGroupCustomerFactory, ProspectFactory

PAGES = ["/sales/", "/sales/price-requests/", "/sales/campaigns/", "/sales/targets/", "/sales/named/"]


@pytest.mark.parametrize("url", PAGES)
def test_sales_pages_open_for_a_manager_and_refuse_an_agent_and_anonymous(url, manager, agent, client):
    assert login(manager).get(url).status_code == 200
    assert login(agent).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_manager_records_a_competitor_on_the_page_and_sees_it_on_the_customer_360(manager, own_customer):
    page = login(manager)
    url = f"/sales/customers/{own_customer.pk}/competitors/"
    response = page.post(url, {"competitor": "顺达物流", "offer": "运费八五折", "price": "1200", "price_unit": "元/吨"})
    assert response.status_code == 302
    record = CompetitorRecord.objects.get()
    assert record.price == Decimal("1200.00") and record.recorded_by == manager
    detail = page.get(f"/customers/{own_customer.pk}/")
    assert "顺达物流" in detail.content.decode()
    assert 'id="customer-panel-competitors"' in detail.content.decode()


def test_competitor_form_shows_the_refused_field_and_writes_nothing(manager, own_customer):
    response = login(manager).post(
        f"/sales/customers/{own_customer.pk}/competitors/", {"competitor": "顺达物流", "price": "abc"}
    )
    assert response.status_code == 400
    assert "price" in response.context["form"].errors
    assert not CompetitorRecord.objects.exists()


def test_competitor_records_of_another_managers_customer_answer_404(manager, foreign_customer, other_manager):
    record = CompetitorRecordFactory(customer=foreign_customer, recorded_by=other_manager)
    page = login(manager)
    assert page.get(f"/sales/customers/{foreign_customer.pk}/competitors/").status_code == 404
    assert page.get(f"/sales/competitors/{record.pk}/").status_code == 404


def test_agent_sees_no_competitor_panel_on_the_customer_360(agent, own_customer, manager):
    CompetitorRecordFactory(customer=own_customer, recorded_by=manager, competitor="顺达物流")
    response = login(agent).get(f"/customers/{own_customer.pk}/")
    assert response.status_code == 200 and "顺达物流" not in response.content.decode()


def test_edit_and_remove_a_competitor_record_on_the_page(manager, own_customer):
    record = CompetitorRecordFactory(customer=own_customer, recorded_by=manager)
    page = login(manager)
    form = {"competitor": "新名字", "offer": "运费九折", "version": record.version}
    assert page.post(f"/sales/competitors/{record.pk}/", form).status_code == 302
    record.refresh_from_db()
    assert record.competitor == "新名字"
    assert page.post(f"/sales/competitors/{record.pk}/", {"delete": "1"}).status_code == 302
    assert not CompetitorRecord.objects.exists()
    assert AuditEvent.objects.filter(target_type="sales.competitorrecord", action="deleted").exists()


def test_prospect_added_moved_and_converted_through_the_pages(manager):
    page = login(manager)
    response = page.post("/sales/prospects/new/", {"name": "华新建材", "source": "referral"})
    prospect = Prospect.objects.get()
    assert response.status_code == 302 and response.url == f"/sales/prospects/{prospect.pk}/"
    response = page.post(f"/sales/prospects/{prospect.pk}/move/", {"stage": "proposal", "version": 1})
    assert response.status_code == 302
    response = page.post(f"/sales/prospects/{prospect.pk}/convert/", {"version": 2, "mobile": "13912345678"})
    prospect.refresh_from_db()
    assert prospect.stage == "won" and response.url == f"/customers/{prospect.customer_id}/"


def test_losing_a_prospect_without_a_reason_is_shown_on_the_form(manager):
    prospect = ProspectFactory(created_by=manager)
    response = login(manager).post(f"/sales/prospects/{prospect.pk}/move/", {"stage": "lost", "version": 1})
    assert response.status_code == 400 and "lost_reason" in response.context["move_form"].errors
    prospect.refresh_from_db()
    assert prospect.stage == "lead"


def test_price_request_registered_on_the_page_shows_its_due_time_and_is_answered(manager, own_customer):
    page = login(manager)
    response = page.post(
        f"/sales/price-requests/new/?customer={own_customer.pk}",
        {"subject": "年度运价", "received_at": "2026-11-06T10:00"},
    )
    item = PriceRequest.objects.get()
    assert response.status_code == 302
    detail = page.get(f"/sales/price-requests/{item.pk}/")
    assert "2026-11-11 17:30" in detail.content.decode()
    response = page.post(f"/sales/price-requests/{item.pk}/", {"answer": "九五折", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answered_at is not None and item.answered_late


def test_price_request_page_of_another_managers_customer_answers_404(manager, foreign_customer):
    page = caller(manager)
    assert page.get(f"/sales/price-requests/new/?customer={foreign_customer.pk}").status_code == 404
    for odd in ("abc", "9" * 30, "-1"):
        assert page.get(f"/sales/price-requests/new/?customer={odd}").status_code == 404
    assert page.get("/sales/price-requests/new/").status_code == 302  # nothing named: back to the list


def test_campaign_created_by_a_supervisor_and_worked_by_the_manager(supervisor, manager, own_customer):
    response = login(supervisor).post(
        "/sales/campaigns/",
        {
            "name": "春季外呼",
            "kind": "outbound",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "customers": f"{own_customer.pk}",
        },
    )
    assert response.status_code == 302
    entry = CampaignEntry.objects.get()
    page = login(manager)
    assert page.post(f"/sales/campaign-entries/{entry.pk}/", {"result": "interested"}).status_code == 302
    entry.refresh_from_db()
    assert entry.result == "interested"
    assert "春季外呼" in page.get("/sales/campaigns/").content.decode()


def test_campaign_form_refuses_ids_that_are_not_numbers(supervisor):
    response = login(supervisor).post(
        "/sales/campaigns/",
        {"name": "x", "kind": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "customers": "abc"},
    )
    assert response.status_code == 400 and "customers" in response.context["form"].errors


def test_manager_may_not_create_a_campaign_nor_set_a_target(manager):
    page = caller(manager)
    assert page.post("/sales/campaigns/", {"name": "x"}).status_code == 403
    assert page.post("/sales/targets/", {"metric": "revenue"}).status_code == 403


def test_targets_page_shows_progress_and_the_named_retention(supervisor, manager, admin_user, own_customer):
    page = login(supervisor)
    response = page.post(
        "/sales/targets/",
        {
            "metric": "new_customers",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "value": "4",
            "manager": manager.pk,
        },
    )
    assert response.status_code == 302
    NamedGroupCustomerFactory(customer=own_customer, listed_by=admin_user, year=2026)
    body = page.get("/sales/targets/?year=2026").content.decode()
    assert "100.00 %" in body and "≥ 92 %" in body


def test_named_list_page_marks_a_customer_lost(admin_user, own_customer):
    page = login(admin_user)
    response = page.post("/sales/named/?year=2026", {"customers": str(own_customer.pk)})
    assert response.status_code == 400 and "customers" in response.context["form"].errors  # an individual
    own_customer.kind = "organisation"
    own_customer.save()
    response = page.post("/sales/named/?year=2026", {"customers": str(own_customer.pk)})
    assert response.status_code == 302
    from kefu.sales.models import NamedGroupCustomer

    named = NamedGroupCustomer.objects.get()
    page.post(f"/sales/named/{named.pk}/lost/", {"lost_on": "2026-03-01", "lost_reason": "转网"})
    named.refresh_from_db()
    assert named.lost_on == date(2026, 3, 1)


@pytest.mark.parametrize("query", ["?year=abcd", "?year=99999", "?year=0001", "?stage=zzz", "?page=x"])
def test_odd_query_values_never_answer_500(manager, query):
    page = caller(manager)
    for url in PAGES:
        assert page.get(url + query).status_code == 200


def test_workbench_shows_my_prospects_and_price_requests_due(manager, own_customer):
    ProspectFactory(created_by=manager)
    ProspectFactory(created_by=manager, stage="lost")
    received = datetime(2026, 11, 6, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # long past due now
    services.price_request_create(
        actor=manager, customer=own_customer, data={"subject": "运价", "received_at": received}
    )
    cards = {card["title"]: card for card in login(manager).get("/").context["cards"]}
    assert cards["我跟进中的潜在客户"]["value"] == 1
    due = cards["一天内到期的价格/商务需求"]
    assert due["value"] == 1 and due["hint"] == "逾期 1 个"  # an overdue request is due, and counted as overdue


def test_customer_360_lists_its_price_requests(manager, own_customer):
    services.price_request_create(actor=manager, customer=own_customer, data={"subject": "年度运价"})
    body = login(manager).get(f"/customers/{own_customer.pk}/").content.decode()
    assert 'id="customer-panel-price-requests"' in body and "年度运价" in body


def test_manager_sees_their_own_and_their_units_targets_only(supervisor, manager, other_manager, org, admin_user):
    data = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "1000"}
    mine = services.target_set(actor=supervisor, data=data, manager=manager)
    branch = services.target_set(actor=supervisor, data=data, org_unit=org["east"])
    services.target_set(actor=admin_user, data=data, org_unit=org["west"])
    services.target_set(actor=admin_user, data=data, manager=other_manager)
    assert set(selectors.targets_visible_to(manager)) == {mine, branch}
    assert set(selectors.targets_visible_to(supervisor)) == {mine, branch}


def test_pipeline_filters_by_source_owner_and_name_the_same_on_page_and_api(supervisor, manager, org):
    colleague = UserFactory(role="account_manager", org_unit=org["east_team"])
    wanted = ProspectFactory(created_by=manager, name="华新建材", source="campaign")
    ProspectFactory(created_by=manager, name="华新物流", source="referral")
    ProspectFactory(created_by=colleague, name="华新水泥", source="campaign")
    query = f"?source=campaign&owner={manager.pk}&q=华新"
    page = login(supervisor).get("/sales/" + query)
    assert [row.pk for row in page.context["page_obj"]] == [wanted.pk]
    listed = api(supervisor).get("/api/v1/prospects/" + query).json()["results"]
    assert [row["id"] for row in listed] == [wanted.pk]


@pytest.mark.parametrize(("name", "value"), [("source", "rumour"), ("owner", "abc"), ("stage", "zzz")])
def test_a_bad_pipeline_filter_is_named_ignored_on_the_page_and_refused_by_the_api(manager, name, value):
    ProspectFactory(created_by=manager)
    page = login(manager).get(f"/sales/?{name}={value}")
    assert page.status_code == 200 and page.context["filter_errors"] and len(page.context["page_obj"]) == 1
    response = api(manager).get(f"/api/v1/prospects/?{name}={value}")
    assert response.status_code == 400 and name in str(response.json())
