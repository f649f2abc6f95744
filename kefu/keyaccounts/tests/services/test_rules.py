"""The key-account rules, each through page, API and service: qualification (seed 003 篇6),
team places, service plans, and who may change what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.accountmanagers.tests.factories import make_manager
from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers import services as customer_services
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.keyaccounts import services
from kefu.keyaccounts.choices import TeamRole
from kefu.keyaccounts.models import KeyAccount, PlanItem, TeamMember
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory


def refused_fields(via, actor, path_page, data_page, path_api, data_api, call, client_for, form="form") -> set[str]:
    """Try the change through one way; return the fields the refusal names."""
    if via == "page":
        response = client_for(actor).post(path_page, data_page)
        assert response.status_code == 400
        return set(response.context[form].errors)
    if via == "api":
        response = api(actor).post(path_api, data_api, format="json")
        assert response.status_code == 400, response.content
        return set(response.json())
    with pytest.raises(ValidationError) as refused:
        call()
    return set(refused.value.message_dict)


@pytest.mark.parametrize("via", ["page", "api", "service"])
def test_a_customer_whose_manager_is_regular_cannot_become_a_key_account(via, client_for, supervisor, org):
    regular = make_manager(org["east_team"], "普通经理", level=ManagerLevel.REGULAR)
    customer = CustomerFactory(name="小客户集团", account_manager=regular, org_unit=org["east_team"])
    fields = refused_fields(
        via, supervisor,
        reverse("keyaccounts:create"), {"customer": customer.pk, "required_level": "secondary"},
        "/api/v1/key-accounts/", {"customer": customer.pk},
        lambda: services.key_account_create(actor=supervisor, customer=customer), client_for,
    )  # fmt: skip
    assert fields == {"customer"}
    assert not KeyAccount.objects.exists() and not AuditEvent.objects.filter(target_type="keyaccounts.keyaccount")


@pytest.mark.parametrize("via", ["page", "api", "service"])
def test_a_deputy_below_the_secondary_level_is_refused_naming_the_user(via, client_for, supervisor, account, org):
    regular = make_manager(org["east_team"], "普通经理", level=ManagerLevel.REGULAR)
    fields = refused_fields(
        via, supervisor,
        reverse("keyaccounts:team_add", args=[account.pk]), {"user": regular.pk, "role": TeamRole.DEPUTY},
        f"/api/v1/key-accounts/{account.pk}/team/", {"user": regular.pk, "role": TeamRole.DEPUTY},
        lambda: services.team_member_add(actor=supervisor, account=account, user=regular, role=TeamRole.DEPUTY),
        client_for, "team_form",
    )  # fmt: skip
    assert fields == {"user"}
    assert not TeamMember.objects.filter(user=regular).exists()


def test_a_deputy_must_hold_the_accounts_own_level_when_it_asks_more(supervisor, account, deputy):
    account.required_level = ManagerLevel.CHIEF
    account.save()
    TeamMember.objects.filter(user=deputy).delete()
    with pytest.raises(ValidationError) as refused:
        services.team_member_add(actor=supervisor, account=account, user=deputy, role=TeamRole.DEPUTY)
    assert set(refused.value.message_dict) == {"user"}


@pytest.mark.parametrize(
    ("role", "staff_role"),
    [(TeamRole.DEPUTY, Role.AGENT), (TeamRole.PHONE_AGENT, Role.HANDLER), (TeamRole.ENGINEER, Role.AGENT)],
)
def test_a_team_place_needs_its_staff_role(role, staff_role, supervisor, account, org):
    user = UserFactory(role=staff_role, org_unit=org["east"])
    with pytest.raises(ValidationError) as refused:
        services.team_member_add(actor=supervisor, account=account, user=user, role=role)
    assert set(refused.value.message_dict) == {"user"}


def test_a_second_phone_agent_is_refused_naming_the_role(supervisor, account, org):
    another = UserFactory(role=Role.AGENT, org_unit=org["company"])
    with pytest.raises(ValidationError) as refused:
        services.team_member_add(actor=supervisor, account=account, user=another, role=TeamRole.PHONE_AGENT)
    assert set(refused.value.message_dict) == {"role"}


def test_adding_and_removing_a_member_is_audited(supervisor, account, org):
    engineer = UserFactory(role=Role.HANDLER, org_unit=org["west"])
    member = services.team_member_add(actor=supervisor, account=account, user=engineer, role=TeamRole.ENGINEER)
    services.team_member_remove(actor=supervisor, member=member)
    actions = list(
        AuditEvent.objects.filter(target_type="keyaccounts.teammember", target_id=member.pk).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["created", "deleted"] and not TeamMember.objects.filter(pk=member.pk).exists()
    with pytest.raises(ConflictError):
        services.team_member_remove(actor=supervisor, member=member)


@pytest.mark.parametrize("via", ["page", "api", "service"])
def test_a_key_accounts_new_manager_must_hold_its_level(via, client_for, supervisor, account, head, org):
    regular = make_manager(org["east_team"], "普通经理", level=ManagerLevel.REGULAR)
    if via == "page":
        data = {"name": head.name, "kind": head.kind, "status": head.status, "account_manager": regular.pk,
                "version": head.version}  # fmt: skip
        response = client_for(supervisor).post(reverse("customers:edit", args=[head.pk]), data)
        assert "account_manager" in response.context["form"].errors
    elif via == "api":
        body = {"account_manager": regular.pk, "version": head.version}
        response = api(supervisor).patch(f"/api/v1/customers/{head.pk}/", body, format="json")
        assert response.status_code == 400 and set(response.json()) == {"account_manager"}
    else:
        with pytest.raises(ValidationError) as refused:
            customer_services.customers_set_managers(
                actor=supervisor, moves=[(head.pk, head.account_manager_id, regular.pk, None)]
            )
        assert set(refused.value.message_dict) == {"account_manager"}
    assert Customer.objects.get(pk=head.pk).account_manager_id == head.account_manager_id  # nothing written


def test_a_qualified_manager_may_take_the_key_account_over(supervisor, account, head, org):
    chief = make_manager(org["east_team"], "首席经理", level=ManagerLevel.CHIEF)
    customer_services.customers_set_managers(
        actor=supervisor, moves=[(head.pk, head.account_manager_id, chief.pk, None)]
    )
    assert Customer.objects.get(pk=head.pk).account_manager == chief


@pytest.mark.parametrize("who", ["agent", "manager"])
def test_only_supervisors_and_admins_make_key_accounts(request, who, client_for, own_customer):
    user = request.getfixturevalue(who)
    assert client_for(user).post(reverse("keyaccounts:create"), {"customer": own_customer.pk}).status_code == 403
    assert api(user).post("/api/v1/key-accounts/", {"customer": own_customer.pk}, format="json").status_code == 403
    with pytest.raises(PermissionDeniedError):
        services.key_account_create(actor=user, customer=own_customer)


def test_a_customer_out_of_the_supervisors_scope_is_refused(supervisor, foreign_customer):
    with pytest.raises(ValidationError) as refused:
        services.key_account_create(actor=supervisor, customer=foreign_customer)
    assert set(refused.value.message_dict) == {"customer"}
    response = api(supervisor).post("/api/v1/key-accounts/", {"customer": foreign_customer.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"customer"}


def test_a_key_account_is_made_once_and_audited(supervisor, head):
    account = services.key_account_create(actor=supervisor, customer=head)
    assert account.required_level == ManagerLevel.SECONDARY
    assert AuditEvent.objects.filter(target_type="keyaccounts.keyaccount", target_id=account.pk).count() == 1
    with pytest.raises(ValidationError) as refused:
        services.key_account_create(actor=supervisor, customer=head)
    assert set(refused.value.message_dict) == {"customer"}


# --- Service plans -------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["page", "api", "service"])
def test_a_plan_ending_before_it_starts_is_refused_naming_the_end(via, client_for, manager, account):
    data = {"title": "2027年度服务方案", "starts_on": "2027-01-01", "ends_on": "2026-12-31"}
    fields = refused_fields(
        via, manager,
        reverse("keyaccounts:plan_add", args=[account.pk]), data,
        f"/api/v1/key-accounts/{account.pk}/plans/", data,
        lambda: services.plan_create(actor=manager, account=account, data=data), client_for, "plan_form",
    )  # fmt: skip
    assert fields == {"ends_on"} and not account.plans.exists()


def test_a_plans_progress_is_the_share_of_items_done(client_for, manager, account):
    plan = services.plan_create(
        actor=manager, account=account, data={"title": "年度方案", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    )
    items = [
        services.plan_item_add(actor=manager, plan=plan, data={"kind": kind, "title": title, "due_on": day})
        for kind, title, day in [
            ("goal", "保有率不低于92%", "2026-12-31"),
            ("visit", "走访总部", "2026-03-31"),
            ("report", "向集团总部报送季度服务报告", "2026-04-10"),
            ("contact", "每日电话联系", "2026-01-31"),
        ]
    ]
    services.plan_item_complete(actor=manager, item=items[1], outcome="见了刘总")
    with pytest.raises(ConflictError):
        services.plan_item_complete(actor=manager, item=items[1])
    answer = api(manager).get(f"/api/v1/key-accounts/{account.pk}/plans/").json()
    assert answer[0]["progress"] == {"done": 1, "total": 4, "percent": 25}
    page = client_for(manager).get(reverse("keyaccounts:detail", args=[account.pk])).content.decode()
    assert "保有率不低于92%" in page and "1 / 4" in page


def test_the_plans_and_their_progress_are_read_in_the_same_queries_however_many_plans(client_for, manager, account):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_plan(title):
        plan = services.plan_create(
            actor=manager, account=account, data={"title": title, "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
        )
        for day in ("2026-03-31", "2026-06-30"):
            services.plan_item_add(actor=manager, plan=plan, data={"kind": "visit", "title": "走访", "due_on": day})

    def reads():
        counts = []
        for get in (
            lambda: api(manager).get(f"/api/v1/key-accounts/{account.pk}/plans/"),
            lambda: client_for(manager).get(reverse("keyaccounts:detail", args=[account.pk])),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert get().status_code == 200
            counts.append(len(queries))
        return counts

    add_plan("一季度")
    one = reads()
    add_plan("二季度")
    add_plan("三季度")
    assert reads() == one


def test_an_item_outside_the_plans_dates_is_refused_naming_the_date(manager, account):
    plan = services.plan_create(
        actor=manager, account=account, data={"title": "一季度", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
    )
    for due in ("2026-04-01", "not a date", "99999-01-01"):
        with pytest.raises(ValidationError) as refused:
            services.plan_item_add(actor=manager, plan=plan, data={"kind": "visit", "title": "走访", "due_on": due})
        assert set(refused.value.message_dict) == {"due_on"}
    assert not PlanItem.objects.exists()


def test_an_agreement_file_of_another_kind_is_refused_naming_the_file(manager, account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as refused:
        services.agreement_add(
            actor=manager, account=account, data={"title": "协议"},
            uploaded_file=SimpleUploadedFile("协议.exe", b"MZ", content_type="application/octet-stream"),
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"file"} and not account.agreements.exists()


def test_a_hand_assignment_of_a_key_account_to_a_regular_manager_moves_nothing(supervisor, account, head, site, org):
    from kefu.accountmanagers.services import customers_assign

    regular = make_manager(org["east_team"], "普通经理", level=ManagerLevel.REGULAR)
    own = CustomerFactory(account_manager=head.account_manager, org_unit=org["east_team"])
    with pytest.raises(ValidationError) as refused:
        customers_assign(actor=supervisor, customer_ids=[head.pk, own.pk], manager=regular)
    assert "华联集团" in " ".join(refused.value.messages)
    assert not Customer.objects.filter(account_manager=regular).exists()  # the other customer did not move either
    # A member of the group is not itself a key account: its manager is not held to the level.
    assert customers_assign(actor=supervisor, customer_ids=[own.pk], manager=regular) == 1


def test_a_leaving_deputys_team_place_is_freed_and_named_on_the_handover(supervisor, account, deputy, manager):
    from kefu.accountmanagers.handover import _providers

    items = _providers["keyaccount_team"](actor=supervisor, leaving=deputy, receiver_for=lambda customer_id: manager)
    assert not TeamMember.objects.filter(user=deputy).exists()
    assert [(item.receiver_id, item.ref_id) for item in items] == [(manager.pk, account.pk)]
    assert "钱执行" in items[0].text and "华联集团" in items[0].text
    assert AuditEvent.objects.filter(target_type="keyaccounts.teammember", action="deleted").count() == 1
