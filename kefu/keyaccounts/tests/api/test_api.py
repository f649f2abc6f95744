"""The key-account API: scope, the team, plans; every refusal names its field."""

import pytest

from kefu.conftest import api
from kefu.keyaccounts.choices import TeamRole


def test_the_list_holds_only_the_accounts_one_works_on(account, agent, phone_agent):
    assert api(agent).get("/api/v1/key-accounts/").json()["results"] == []
    rows = api(phone_agent).get("/api/v1/key-accounts/").json()["results"]
    assert [row["customer_name"] for row in rows] == ["华联集团"]
    assert api(agent).get(f"/api/v1/key-accounts/{account.pk}/").status_code == 404


def test_the_team_is_listed_and_changed_through_the_api(account, supervisor, org):
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory

    team = api(supervisor).get(f"/api/v1/key-accounts/{account.pk}/team/").json()
    assert sorted(row["role"] for row in team) == ["deputy", "engineer", "phone_agent"]
    crew = UserFactory(role=Role.HANDLER, org_unit=org["west"], full_name="何工")
    added = api(supervisor).post(
        f"/api/v1/key-accounts/{account.pk}/team/", {"user": crew.pk, "role": TeamRole.ENGINEER}, format="json"
    )
    assert added.status_code == 201 and added.json()["user_name"] == "何工"
    gone = api(supervisor).delete(f"/api/v1/key-accounts/{account.pk}/team/{added.json()['id']}/")
    assert gone.status_code == 204
    assert api(supervisor).delete(f"/api/v1/key-accounts/{account.pk}/team/{added.json()['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": "abc", "role": "deputy"}, "user"),
        ({"user": "DEPUTY", "role": "boss"}, "role"),
        ({"role": "deputy"}, "user"),
    ],
)
def test_a_bad_team_body_is_refused_naming_the_field(body, field, account, supervisor, deputy):
    if body.get("user") == "DEPUTY":  # a real user (ids differ between databases), with a bad role
        body = {**body, "user": deputy.pk}
    response = api(supervisor).post(f"/api/v1/key-accounts/{account.pk}/team/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_manager_cannot_change_the_team(account, manager, engineer):
    response = api(manager).post(
        f"/api/v1/key-accounts/{account.pk}/team/", {"user": engineer.pk, "role": "engineer"}, format="json"
    )
    assert response.status_code == 403


def test_a_stale_version_is_refused_and_a_fresh_one_applies(account, supervisor):
    url = f"/api/v1/key-accounts/{account.pk}/"
    assert api(supervisor).patch(url, {"note": "x"}, format="json").status_code == 400
    assert api(supervisor).patch(url, {"note": "x", "version": account.version + 5}, format="json").status_code == 409
    answer = api(supervisor).patch(url, {"note": "集团总部在上海", "version": account.version}, format="json")
    assert answer.status_code == 200 and answer.json()["note"] == "集团总部在上海"


def test_plan_items_are_added_and_done_through_the_api(account, manager):
    plan = (
        api(manager)
        .post(
            f"/api/v1/key-accounts/{account.pk}/plans/",
            {"title": "年度方案", "goals": "保有率≥92%", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
            format="json",
        )
        .json()
    )
    item = api(manager).post(
        f"/api/v1/key-accounts/{account.pk}/plans/{plan['id']}/items/",
        {"kind": "report", "title": "季度报告", "due_on": "2026-04-10"},
        format="json",
    )
    assert item.status_code == 201, item.content
    done = api(manager).post(f"/api/v1/key-accounts/{account.pk}/items/{item.json()['id']}/done/", {}, format="json")
    assert done.status_code == 200 and done.json()["done_on"]
    again = api(manager).post(f"/api/v1/key-accounts/{account.pk}/items/{item.json()['id']}/done/", {}, format="json")
    assert again.status_code == 409
