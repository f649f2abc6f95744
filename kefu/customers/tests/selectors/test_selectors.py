import pytest

from kefu.core.errors import PermissionDeniedError
from kefu.customers import selectors
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory


def names(queryset):
    return sorted(c.name for c in queryset)


def test_account_manager_sees_only_their_own_customers(manager, own_customer, foreign_customer):
    assert names(selectors.customers_visible_to(manager)) == ["张三"]


def test_supervisor_sees_the_customers_of_their_subtree(supervisor, own_customer, foreign_customer, org):
    unassigned_east = CustomerFactory(name="王五", org_unit=org["east"])
    assert names(selectors.customers_visible_to(supervisor)) == sorted(["张三", unassigned_east.name])


@pytest.mark.parametrize("role_fixture", ["agent", "auditor", "admin_user"])
def test_agents_auditors_and_admins_see_the_whole_archive(request, role_fixture, own_customer, foreign_customer):
    user = request.getfixturevalue(role_fixture)
    assert names(selectors.customers_visible_to(user)) == ["张三", "李四"]


def test_handling_department_sees_no_customers(handler, own_customer):
    assert not selectors.customers_visible_to(handler).exists()


def test_inactive_user_sees_nothing(manager, own_customer):
    manager.is_active = False
    assert not selectors.customers_visible_to(manager).exists()


def test_out_of_scope_customer_is_not_found_rather_than_forbidden(manager, foreign_customer):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_customer_for_user(manager, foreign_customer.pk)


def test_missing_capability_is_forbidden(auditor, own_customer):
    with pytest.raises(PermissionDeniedError):
        selectors.get_customer_for_user(auditor, own_customer.pk, capability="customers.change")


def test_search_by_mobile_ignores_spaces_dashes_and_full_width_digits(agent, own_customer):
    typed = "１３９ " + own_customer.mobile[3:7] + "-" + own_customer.mobile[7:]
    assert names(selectors.customer_list(agent, filters={"q": typed})) == ["张三"]


def test_search_by_mobile_finds_the_customer_of_a_key_person(agent, own_customer):
    person = KeyPersonFactory(customer=own_customer, mobile="13700000001")
    assert names(selectors.customer_list(agent, filters={"q": person.mobile})) == ["张三"]


def test_search_by_name_fragment(agent, own_customer, foreign_customer):
    CustomerFactory(name="张三丰")
    assert names(selectors.customer_list(agent, filters={"q": "张三"})) == ["张三", "张三丰"]
    assert names(selectors.customer_list(agent, filters={"q": "三丰"})) == ["张三丰"]


def test_search_stays_inside_the_data_scope(manager, own_customer, foreign_customer):
    assert names(selectors.customer_list(manager, filters={"q": foreign_customer.mobile})) == []


def test_list_filters_by_valid_phone_and_kind(agent, own_customer):
    CustomerFactory(name="无电话", mobile="", has_valid_phone=False, kind="organisation")
    assert names(selectors.customer_list(agent, filters={"has_valid_phone": False})) == ["无电话"]
    assert names(selectors.customer_list(agent, filters={"kind": "organisation"})) == ["无电话"]


def test_list_sorts_by_name_when_asked(agent):
    CustomerFactory(name="b")
    CustomerFactory(name="a")
    assert [c.name for c in selectors.customer_list(agent, filters={"ordering": "name"})] == ["a", "b"]


def test_data_quality_rate_overall_and_per_manager(supervisor, manager, org):
    CustomerFactory.create_batch(3, account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(account_manager=manager, org_unit=org["east_team"], mobile="", has_valid_phone=False)
    summary = selectors.data_quality_summary(supervisor)
    assert (summary["total"], summary["valid"], summary["rate"]) == (4, 3, 75.0)
    assert summary["per_manager"][0]["manager_name"] == "王经理"
    assert summary["per_manager"][0]["rate"] == 75.0


def test_customers_to_complete_lacks_a_phone_or_an_address(manager, org):
    CustomerFactory(name="完整", account_manager=manager)
    CustomerFactory(name="缺电话", account_manager=manager, mobile="", has_valid_phone=False)
    CustomerFactory(name="缺地址", account_manager=manager, address="")
    assert names(selectors.customers_to_complete(manager)) == ["缺地址", "缺电话"]


@pytest.mark.parametrize(
    ("role_fixture", "sees_own", "sees_foreign"),
    [("manager", True, False), ("supervisor", True, False), ("agent", True, True), ("handler", False, False)],
)
def test_one_customer_is_found_in_the_same_scope_as_the_archive_list(
    request, role_fixture, sees_own, sees_foreign, own_customer, foreign_customer
):
    user = request.getfixturevalue(role_fixture)
    found = [
        selectors.customer_in_scope(user, customer.pk, fields=("id", "name")) is not None
        for customer in (own_customer, foreign_customer)
    ]
    listed = [selectors.customers_visible_to(user).filter(pk=c.pk).exists() for c in (own_customer, foreign_customer)]
    assert found == listed == [sees_own, sees_foreign]


def test_an_inactive_agent_finds_no_customer_even_by_its_id(agent, own_customer):
    agent.is_active = False
    assert selectors.customer_in_scope(agent, own_customer.pk, fields=("id",)) is None


def test_one_customer_comes_with_only_the_columns_asked_for(agent, own_customer):
    customer = selectors.customer_in_scope(agent, own_customer.pk, fields=("id", "name", "tier"))
    assert (customer.name, customer.tier) == ("张三", own_customer.tier)
    assert "mobile" in customer.get_deferred_fields() and "name" not in customer.get_deferred_fields()
