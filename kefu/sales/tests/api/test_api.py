"""The sales API: the same services and scopes as the pages, errors naming the field, never a 500;
competitor records under group confidentiality (a group's file only for its team and superiors)."""

from decimal import Decimal

import pytest

from kefu.conftest import api, login
from kefu.customers.tests.factories import CustomerFactory
from kefu.keyaccounts.tests.factories import KeyAccountFactory
from kefu.sales.models import CompetitorRecord, PriceRequest, Prospect
from kefu.sales.tests.factories import CompetitorRecordFactory, NamedGroupCustomerFactory, ProspectFactory

LISTS = [
    "/api/v1/competitor-records/",
    "/api/v1/prospects/",
    "/api/v1/price-requests/",
    "/api/v1/sales-campaigns/",
    "/api/v1/sales-targets/",
    "/api/v1/named-group-customers/",
    "/api/v1/named-group-retention/",
]


@pytest.mark.parametrize("url", LISTS)
def test_lists_answer_a_manager_and_refuse_anonymous_and_a_handler(url, manager, handler):
    assert api(manager).get(url).status_code == 200
    assert api().get(url).status_code in (401, 403)
    assert api(handler).get(url).status_code == 403


def test_competitor_record_created_read_changed_and_removed_through_the_api(manager, own_customer):
    client = api(manager)
    response = client.post(
        "/api/v1/competitor-records/",
        {"customer": own_customer.pk, "competitor": "顺达物流", "price": "980.5", "products": "京沪线"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get(f"/api/v1/competitor-records/?customer={own_customer.pk}").json()["results"][0]["id"] == pk
    response = client.patch(f"/api/v1/competitor-records/{pk}/", {"price": "900", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["price"] == "900.00"
    stale = client.patch(f"/api/v1/competitor-records/{pk}/", {"price": "800", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.delete(f"/api/v1/competitor-records/{pk}/").status_code == 204
    assert not CompetitorRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"competitor": ""}, "competitor"),
        ({"price": "abc"}, "price"),
        ({"visited_on": "2026-02-30"}, "visited_on"),
        ({"customer": 10**30}, "customer"),
    ],
)
def test_bad_competitor_record_refused_naming_the_field(manager, own_customer, body, field):
    data = {"customer": own_customer.pk, "competitor": "顺达物流", "offer": "八五折", **body}
    response = api(manager).post("/api/v1/competitor-records/", data, format="json")
    assert response.status_code == 400 and field in str(response.json())
    assert not CompetitorRecord.objects.exists()


def test_competitor_record_for_another_managers_customer_is_refused(manager, foreign_customer, other_manager):
    response = api(manager).post(
        "/api/v1/competitor-records/", {"customer": foreign_customer.pk, "competitor": "x", "offer": "y"}, format="json"
    )
    assert response.status_code == 400 and "customer" in str(response.json())
    record = CompetitorRecordFactory(customer=foreign_customer, recorded_by=other_manager)
    assert api(manager).get(f"/api/v1/competitor-records/{record.pk}/").status_code == 404


@pytest.fixture
def group_account(manager, supervisor, org):
    """华联集团, a key account of `manager` (east) whose team is just its manager."""
    head = CustomerFactory(name="华联集团", kind="organisation", account_manager=manager, org_unit=org["east_team"])
    KeyAccountFactory(customer=head, created_by=supervisor)
    return head


def test_staff_outside_a_groups_team_cannot_read_its_competitor_records_by_page_or_api(
    group_account, manager, supervisor, admin_user
):
    record = CompetitorRecordFactory(customer=group_account, recorded_by=manager, competitor="顺达物流")
    # the team's manager and the supervisor above read them
    for user in (manager, supervisor):
        assert api(user).get(f"/api/v1/competitor-records/{record.pk}/").status_code == 200
        assert "顺达物流" in login(user).get(f"/sales/customers/{group_account.pk}/competitors/").content.decode()
    # an administrator sees the customer's service card, not its business file
    client = api(admin_user)
    assert client.get(f"/api/v1/competitor-records/{record.pk}/").status_code == 404
    assert client.get(f"/api/v1/competitor-records/?customer={group_account.pk}").json()["results"] == []
    created = client.post(
        "/api/v1/competitor-records/", {"customer": group_account.pk, "competitor": "x", "offer": "y"}, format="json"
    )
    assert created.status_code == 400 and CompetitorRecord.objects.count() == 1
    page = login(admin_user)
    assert page.get(f"/sales/customers/{group_account.pk}/competitors/").status_code == 403
    assert "顺达物流" not in page.get(f"/customers/{group_account.pk}/").content.decode()


def test_prospect_api_create_move_and_convert(manager):
    client = api(manager)
    response = client.post("/api/v1/prospects/", {"name": "华新建材", "source": "referral"}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert client.post(f"/api/v1/prospects/{pk}/move/", {"stage": "won"}, format="json").status_code == 400
    assert client.post(f"/api/v1/prospects/{pk}/move/", {"stage": "proposal"}, format="json").status_code == 200
    response = client.post(f"/api/v1/prospects/{pk}/convert/", {"mobile": "13912345678"}, format="json")
    assert response.status_code == 200 and response.json()["stage"] == "won" and response.json()["customer"]
    assert client.post(f"/api/v1/prospects/{pk}/convert/", {}, format="json").status_code == 409


def test_prospect_of_another_manager_answers_404(manager, other_manager):
    prospect = ProspectFactory(created_by=other_manager)
    assert api(manager).get(f"/api/v1/prospects/{prospect.pk}/").status_code == 404
    assert api(manager).post(f"/api/v1/prospects/{prospect.pk}/move/", {"stage": "contacted"}).status_code == 404


def test_price_request_api_due_in_three_working_days_and_answer(manager, own_customer):
    client = api(manager)
    response = client.post(
        "/api/v1/price-requests/",
        {"customer": own_customer.pk, "subject": "年度运价", "received_at": "2026-11-06T10:00:00+08:00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["due_at"] == "2026-11-11T17:30:00+08:00"
    pk = response.json()["id"]
    assert client.get("/api/v1/price-requests/?state=overdue").json()["results"][0]["id"] == pk
    assert client.post(f"/api/v1/price-requests/{pk}/answer/", {"answer": ""}, format="json").status_code == 400
    response = client.post(f"/api/v1/price-requests/{pk}/answer/", {"answer": "九五折"}, format="json")
    assert response.status_code == 200 and response.json()["answered_late"]
    assert client.get("/api/v1/price-requests/?state=bogus").status_code == 400
    assert PriceRequest.objects.get().answer == "九五折"


def test_price_request_needs_a_customer_or_a_prospect(manager):
    response = api(manager).post("/api/v1/price-requests/", {"subject": "运价"}, format="json")
    assert response.status_code == 400 and "customer" in str(response.json())


def test_campaign_api_create_list_and_record_a_result(supervisor, manager, own_customer):
    response = api(supervisor).post(
        "/api/v1/sales-campaigns/",
        {
            "name": "春季外呼",
            "kind": "outbound",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "customers": [own_customer.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    entries = api(manager).get(f"/api/v1/sales-campaigns/{pk}/entries/").json()["results"]
    assert len(entries) == 1
    result = api(manager).post(
        f"/api/v1/sales-campaign-entries/{entries[0]['id']}/result/", {"result": "converted"}, format="json"
    )
    assert result.status_code == 200
    assert api(supervisor).get(f"/api/v1/sales-campaigns/{pk}/").json()["results"]["converted"] == 1
    assert api(manager).post("/api/v1/sales-campaigns/", {}, format="json").status_code == 403


def test_targets_api_sets_a_target_with_its_progress(supervisor, manager):
    ProspectFactory(created_by=manager, stage="won", won_at="2026-05-01T10:00:00+08:00")
    response = api(supervisor).post(
        "/api/v1/sales-targets/",
        {
            "metric": "new_customers",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "value": "2",
            "manager": manager.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["actual"]) == 1 and response.json()["share"] == "50.0"
    listed = api(manager).get("/api/v1/sales-targets/").json()["results"]
    assert [row["id"] for row in listed] == [response.json()["id"]]
    assert api(manager).delete(f"/api/v1/sales-targets/{listed[0]['id']}/").status_code == 403


@pytest.mark.parametrize("way", ["page", "api"])
def test_a_target_or_campaign_for_a_unit_out_of_reach_is_refused_on_org_unit(way, supervisor, own_customer, org):
    """A supervisor reaches their own unit's subtree; one without a unit reaches none (no 500)."""
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory
    from kefu.sales.models import SalesCampaign, SalesTarget

    unitless = UserFactory(username="unitless", role=Role.SUPERVISOR, org_unit=None)
    target = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-03-31", "value": "3000"}
    for actor, unit in ((supervisor, org["west"]), (unitless, org["east"])):
        if way == "page":
            response = login(actor).post("/sales/targets/", {**target, "org_unit": unit.pk})
            assert response.status_code == 400 and "org_unit" in response.context["form"].errors
            continue
        response = api(actor).post("/api/v1/sales-targets/", {**target, "org_unit": unit.pk}, format="json")
        assert response.status_code == 400 and "org_unit" in response.json()
        campaign = {"name": "春季外呼", "kind": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-31"}
        response = api(actor).post(
            "/api/v1/sales-campaigns/", {**campaign, "customers": [own_customer.pk], "org_unit": unit.pk}, format="json"
        )
        assert response.status_code == 400 and "org_unit" in response.json()
    assert not SalesTarget.objects.exists() and not SalesCampaign.objects.exists()


def test_named_retention_api_computes_the_rate_by_hand(admin_user):
    for index in range(4):
        NamedGroupCustomerFactory(
            customer=CustomerFactory(), listed_by=admin_user, lost_on="2026-02-01" if index == 0 else None
        )
    body = api(admin_user).get("/api/v1/named-group-retention/?year=2026").json()
    assert body["listed"] == 4 and body["lost"] == 1 and body["rate"] == "75.00" and body["met"] is False
    assert body["target"] == "92.00"
    assert api(admin_user).get("/api/v1/named-group-retention/?year=abc").status_code == 400


def test_named_customers_api_adds_and_marks_lost(admin_user, own_customer):
    client = api(admin_user)
    refused = client.post("/api/v1/named-group-customers/", {"year": 2026, "customers": [own_customer.pk]})
    assert refused.status_code == 400 and "customers" in str(refused.json())  # an individual
    own_customer.kind = "organisation"
    own_customer.save()
    assert client.post(
        "/api/v1/named-group-customers/", {"year": 2026, "customers": [own_customer.pk]}, format="json"
    ).json() == {"added": 1}
    pk = client.get("/api/v1/named-group-customers/?year=2026").json()["results"][0]["id"]
    response = client.post(
        f"/api/v1/named-group-customers/{pk}/lost/", {"lost_on": "2026-03-01", "lost_reason": "转网"}, format="json"
    )
    assert response.status_code == 200 and response.json()["lost_on"] == "2026-03-01"


def test_no_prospect_written_when_refused(manager):
    response = api(manager).post("/api/v1/prospects/", {"name": "", "source": "referral"}, format="json")
    assert response.status_code == 400 and "name" in str(response.json())
    assert not Prospect.objects.exists()
