"""The grading API: schemes, runs, proposals and a customer's grade, with the pages' rules."""

import pytest
from django.urls import reverse

from kefu.conftest import api
from kefu.grading import presets, services
from kefu.grading.models import GradingRun, GradingScheme
from kefu.grading.tests.factories import graded_customer, volumes

RULES = {
    "name": "信用与潜力",
    "method": "weighted",
    "criteria": [
        {
            "source": "credit_rating",
            "weight": 50,
            "bands": [{"value": "A", "points": 100}, {"value": "B", "points": 50}],
        },
        {"source": "potential", "weight": 50, "bands": [{"value": "high", "points": 100}]},
    ],
    "tier_bands": [
        {"tier": "三星", "min_score": 100},
        {"tier": "二星", "min_score": 50},
        {"tier": "一星", "min_score": 0},
    ],
}


@pytest.fixture
def two_customers(manager, other_manager, org):
    mine = graded_customer(
        account_manager=manager, org_unit=org["east_team"], tier="一星", credit_rating="A", potential="high"
    )
    theirs = graded_customer(
        account_manager=other_manager, org_unit=org["west_team"], tier="一星", credit_rating="A", potential="high"
    )
    volumes(mine, {"2026-01": (1, 1)})
    return mine, theirs


@pytest.mark.django_db
def test_a_scheme_is_created_from_json_rules(admin_user):
    response = api(admin_user).post(reverse("api-grading-scheme-list"), RULES, format="json")
    assert response.status_code == 201
    scheme = GradingScheme.objects.get()
    assert [c.source for c in scheme.criteria.all()] == ["credit_rating", "potential"]
    assert response.json()["tier_bands"][0] == {"tier": "三星", "min_score": "100"}


@pytest.mark.django_db
def test_bad_rules_are_named_field_by_field_and_nothing_is_saved(admin_user):
    body = {
        **RULES,
        "method": "magic",
        "criteria": [{"source": "shoe_size", "weight": 1}],
        "tier_bands": [{"tier": "五星", "min_score": 1}],
    }
    response = api(admin_user).post(reverse("api-grading-scheme-list"), body, format="json")
    assert response.status_code == 400
    assert {"method", "criteria", "tier_bands"} <= set(response.json())
    assert not GradingScheme.objects.exists()


@pytest.mark.django_db
def test_a_stale_version_is_refused(admin_user):
    scheme = services.scheme_create(actor=admin_user, data=RULES)
    url = reverse("api-grading-scheme-detail", args=[scheme.pk])
    assert (
        api(admin_user).put(url, {**RULES, "name": "新名字", "version": scheme.version}, format="json").status_code
        == 200
    )
    assert (
        api(admin_user).put(url, {**RULES, "name": "再改", "version": scheme.version}, format="json").status_code == 409
    )
    assert GradingScheme.objects.get().name == "新名字"


@pytest.mark.django_db
def test_install_a_preset_and_run_it_through_the_api(admin_user, two_customers):
    client = api(admin_user)
    response = client.post(reverse("api-grading-scheme-install-preset"), {"preset": presets.ABC}, format="json")
    assert response.status_code == 201
    scheme_id = response.json()["id"]
    response = client.post(reverse("api-grading-scheme-run", args=[scheme_id]))
    assert response.status_code == 201 and response.json()["customers"] == 2
    assert client.get(reverse("api-grading-run-detail", args=[response.json()["id"]])).status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "manager", "auditor"])
@pytest.mark.django_db
def test_only_admins_run_and_configure_through_the_api(role, request, admin_user):
    scheme = services.scheme_create(actor=admin_user, data=RULES)
    client = api(request.getfixturevalue(role))
    assert client.post(reverse("api-grading-scheme-run", args=[scheme.pk])).status_code == 403
    assert client.post(reverse("api-grading-scheme-list"), {**RULES, "name": "x"}, format="json").status_code == 403
    assert not GradingRun.objects.exists() and GradingScheme.objects.count() == 1


@pytest.mark.django_db
def test_a_manager_sees_only_their_customers_proposals_and_grades(admin_user, manager, two_customers):
    mine, theirs = two_customers
    scheme = services.scheme_create(actor=admin_user, data=RULES)
    services.grading_run(actor=admin_user, scheme=scheme)
    client = api(manager)

    listed = client.get(reverse("api-grading-proposal-list")).json()["results"]
    assert [row["customer"] for row in listed] == [mine.pk]

    grade = client.get(reverse("api-grading-customer-detail", args=[mine.pk])).json()
    assert grade["explanation"]["tier"] == "三星" and grade["pending"]["to_tier"] == "三星"
    assert [line["weighted"] for line in grade["explanation"]["lines"]] == ["50.0000", "50.0000"]
    assert client.get(reverse("api-grading-customer-detail", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
def test_the_proposals_list_refuses_a_bad_filter(supervisor):
    response = api(supervisor).get(reverse("api-grading-proposal-list"), {"status": "maybe"})
    assert response.status_code == 400 and set(response.json()) == {"status"}


@pytest.mark.django_db
def test_approve_all_through_the_api_takes_only_the_scope(admin_user, supervisor, two_customers):
    mine, theirs = two_customers
    services.grading_run(actor=admin_user, scheme=services.scheme_create(actor=admin_user, data=RULES))
    response = api(supervisor).post(
        reverse("api-grading-proposal-decide"), {"decision": "approve", "all": True}, format="json"
    )
    assert response.json() == {"decided": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.tier, theirs.tier) == ("三星", "一星")
