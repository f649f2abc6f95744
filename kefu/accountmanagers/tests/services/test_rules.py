"""The account-manager rules, each checked once through the page, the API and the service they
share: the same refusal naming the field, and nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.accountmanagers import services
from kefu.accountmanagers.models import AssignmentPlan, Handover, ManagerProfile
from kefu.conftest import api
from kefu.core.errors import PermissionDeniedError
from kefu.customers.models import Customer
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory

VIA = ["page", "api", "service"]


def _assign(via, actor, client_for, customers, manager):
    """Assign by hand; returns the refused fields (empty when it went through)."""
    if via == "page":
        body = {"customers": "\n".join(str(c.pk) for c in customers), "manager": manager.pk}
        response = client_for(actor).post(reverse("accountmanagers:assign"), body)
        return set(response.context["form"].errors) if response.status_code == 200 else set()
    if via == "api":
        body = {"customers": [c.pk for c in customers], "manager": manager.pk}
        response = api(actor).post(reverse("api-assignment-list"), body, format="json")
        return set(response.json()) if response.status_code == 400 else set()
    try:
        services.customers_assign(actor=actor, customer_ids=[c.pk for c in customers], manager=manager)
    except ValidationError as error:
        return set(error.message_dict)
    return set()


@pytest.mark.parametrize("via", VIA)
def test_a_hand_assignment_moves_the_customers(via, client_for, supervisor, team, book):
    assert _assign(via, supervisor, client_for, book["ordinary"][:2], team["b"]) == set()
    assert Customer.objects.filter(pk__in=[c.pk for c in book["ordinary"][:2]], account_manager=team["b"]).count() == 2


@pytest.mark.parametrize("via", VIA)
def test_a_top_tier_customer_needs_a_manager_of_its_level(via, client_for, supervisor, team, book):
    assert _assign(via, supervisor, client_for, [book["top"]], team["a"]) == {"manager"}
    assert Customer.objects.get(pk=book["top"].pk).account_manager == team["b"]


@pytest.mark.parametrize("via", VIA)
def test_a_customer_outside_the_scope_cannot_be_assigned(via, client_for, supervisor, team, foreign_customer):
    assert _assign(via, supervisor, client_for, [foreign_customer], team["a"]) == {"customers"}
    assert Customer.objects.get(pk=foreign_customer.pk).account_manager != team["a"]


@pytest.mark.parametrize("via", VIA)
def test_a_manager_outside_the_scope_cannot_be_given_customers(via, client_for, supervisor, book, other_manager):
    assert _assign(via, supervisor, client_for, book["ordinary"][:1], other_manager) == {"manager"}
    assert Customer.objects.get(pk=book["ordinary"][0].pk).account_manager != other_manager


@pytest.mark.parametrize("via", VIA)
def test_an_account_manager_may_not_assign(via, client_for, manager, own_customer, team):
    if via == "page":
        assert client_for(manager).get(reverse("accountmanagers:assign")).status_code == 403
    elif via == "api":
        assert api(manager).post(reverse("api-assignment-list"), {}, format="json").status_code == 403
    else:
        with pytest.raises(PermissionDeniedError):
            services.customers_assign(actor=manager, customer_ids=[own_customer.pk], manager=team["a"])


# -- Profiles ------------------------------------------------------------------------------------


def _save_profile(via, actor, client_for, manager, data):
    if via == "page":
        body = {**data, "grids": "\n".join(data.get("grids", [])), "version": ""}
        response = client_for(actor).post(reverse("accountmanagers:profile_edit", args=[manager.pk]), body)
        if response.status_code == 404:
            return {"404"}
        return set(response.context["form"].errors) if response.status_code == 200 else set()
    if via == "api":
        response = api(actor).put(reverse("api-account-manager-profile", args=[manager.pk]), data, format="json")
        return (
            {"404"} if response.status_code == 404 else set(response.json()) if response.status_code == 400 else set()
        )
    try:
        services.manager_profile_save(actor=actor, manager=manager, data=data)
    except ValidationError as error:
        return set(error.message_dict)
    return set()


@pytest.mark.parametrize("via", VIA)
def test_a_profile_is_saved_and_audited(via, client_for, supervisor, manager):
    data = {"level": ManagerLevel.SECONDARY, "capacity": 300, "grids": ["东1", "东2"], "accepting": True}
    assert _save_profile(via, supervisor, client_for, manager, data) == set()
    profile = ManagerProfile.objects.get(user=manager)
    assert (profile.level, profile.capacity, profile.grids) == ("secondary", 300, ["东1", "东2"])


@pytest.mark.parametrize("via", VIA)
def test_a_bad_profile_names_its_fields(via, client_for, supervisor, manager):
    data = {"level": "emperor", "capacity": -1, "grids": ["东\u202e1"], "accepting": True}
    refused = _save_profile(via, supervisor, client_for, manager, data)
    assert {"level", "capacity"} <= refused
    assert not ManagerProfile.objects.filter(user=manager).exists()


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_manager_outside_the_scope_answers_404(via, client_for, supervisor, other_manager):
    assert _save_profile(via, supervisor, client_for, other_manager, {"level": "regular", "capacity": 0}) == {"404"}


def test_a_stale_profile_version_is_a_conflict(supervisor, team):
    from kefu.core.errors import ConflictError

    profile = ManagerProfile.objects.get(user=team["a"])
    services.manager_profile_save(actor=supervisor, manager=team["a"], data={"capacity": 5}, expected_version=1)
    with pytest.raises(ConflictError):
        services.manager_profile_save(actor=supervisor, manager=team["a"], data={"capacity": 9}, expected_version=1)
    assert ManagerProfile.objects.get(pk=profile.pk).capacity == 5


# -- Plans and handovers ------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["page", "api"])
def test_preview_then_apply(via, client_for, supervisor, book, team):
    if via == "page":
        response = client_for(supervisor).post(reverse("accountmanagers:assignment_run"))
        plan = AssignmentPlan.objects.get()
        assert response.status_code == 302 and response.url == reverse("accountmanagers:plan", args=[plan.pk])
        page = client_for(supervisor).get(response.url)
        assert page.status_code == 200 and "钱首席" in page.content.decode()
        client_for(supervisor).post(reverse("accountmanagers:plan_apply", args=[plan.pk]))
    else:
        created = api(supervisor).post(reverse("api-assignment-plan-list"))
        assert created.status_code == 202
        plan_id = created.json()["id"]
        moves = api(supervisor).get(reverse("api-assignment-plan-moves", args=[plan_id])).json()
        assert moves["count"] == created.json()["moves_count"] > 0
        assert api(supervisor).post(reverse("api-assignment-plan-apply", args=[plan_id])).status_code == 202
        assert api(supervisor).post(reverse("api-assignment-plan-apply", args=[plan_id])).status_code == 400
    assert Customer.objects.get(pk=book["top"].pk).account_manager == team["chief"]


@pytest.mark.parametrize("via", ["page", "api"])
def test_another_branchs_plan_answers_404(via, client_for, supervisor, book, org):
    plan = services.assignment_preview(actor=supervisor)
    west_head = UserFactory(username="west_head", role=Role.SUPERVISOR, org_unit=org["west"])
    if via == "page":
        assert client_for(west_head).get(reverse("accountmanagers:plan", args=[plan.pk])).status_code == 404
        assert client_for(west_head).post(reverse("accountmanagers:plan_apply", args=[plan.pk])).status_code == 404
    else:
        assert api(west_head).get(reverse("api-assignment-plan-detail", args=[plan.pk])).status_code == 404
        assert api(west_head).post(reverse("api-assignment-plan-apply", args=[plan.pk])).status_code == 404
    assert AssignmentPlan.objects.get(pk=plan.pk).status == "draft"


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_departure_through_page_and_api(via, client_for, supervisor, team, book):
    if via == "page":
        url = reverse("accountmanagers:departure", args=[team["a"].pk])
        response = client_for(supervisor).post(url, {"successors": [team["b"].pk]})
        assert response.status_code == 302
        plan = AssignmentPlan.objects.get()
        client_for(supervisor).post(reverse("accountmanagers:plan_apply", args=[plan.pk]))
    else:
        url = reverse("api-account-manager-departure", args=[team["a"].pk])
        created = api(supervisor).post(url, {"successors": [team["b"].pk]}, format="json")
        assert created.status_code == 202
        api(supervisor).post(reverse("api-assignment-plan-apply", args=[created.json()["id"]]))
    assert not Customer.objects.filter(account_manager=team["a"]).exists()
    handover = Handover.objects.get(to_user=team["b"])
    if via == "page":
        page = client_for(team["b"]).get(reverse("accountmanagers:handover", args=[handover.pk]))
        assert page.status_code == 200
        client_for(team["b"]).post(reverse("accountmanagers:handover_acknowledge", args=[handover.pk]))
        # The leaving manager sees it too, without the button; another manager not at all.
        assert client_for(team["chief"]).get(reverse("accountmanagers:handover", args=[handover.pk])).status_code == 404
    else:
        assert api(team["b"]).get(reverse("api-handover-list")).json()["count"] == 1
        assert api(team["chief"]).get(reverse("api-handover-list")).json()["count"] == 0
        assert api(team["b"]).post(reverse("api-handover-acknowledge", args=[handover.pk])).status_code == 200
    assert Handover.objects.get(pk=handover.pk).acknowledged_at is not None


def test_the_pages_show_for_each_role(client_for, supervisor, manager, auditor, agent, team, book):
    assert client_for(supervisor).get(reverse("accountmanagers:managers")).status_code == 200
    assert client_for(manager).get(reverse("accountmanagers:managers")).status_code == 200
    assert client_for(auditor).get(reverse("accountmanagers:managers")).status_code == 200
    assert client_for(agent).get(reverse("accountmanagers:managers")).status_code == 403
    assert client_for(manager).post(reverse("accountmanagers:assignment_run")).status_code == 403
    # An account manager sees only their own row.
    rows = client_for(manager).get(reverse("accountmanagers:managers")).context["page_obj"].object_list
    assert [row.pk for row in rows] == [manager.pk]


def test_the_api_lists_the_managers_of_ones_scope(manager, supervisor, admin_user, team, other_manager):
    def listed(user):
        return {row["id"] for row in api(user).get(reverse("api-account-manager-list")).json()["results"]}

    assert listed(manager) == {manager.pk}
    assert listed(supervisor) == {manager.pk, *(m.pk for m in team.values())}
    assert other_manager.pk in listed(admin_user)
    assert api(manager).get(reverse("api-account-manager-detail", args=[other_manager.pk])).status_code == 404
    assert api(manager).post(reverse("api-assignment-plan-list")).status_code == 403
