"""The book pages: the sidebar's entry, a manager's book, the supervisors' overview and its
recount, and the workbench cards."""

from django.urls import reverse

from kefu.accountmanagers import books
from kefu.accountmanagers.models import ManagerProfile
from kefu.accountmanagers.tests.book_fixtures import pending_proposal
from kefu.conftest import login
from kefu.customers.tests.factories import CustomerFactory


def test_the_sidebar_entry_opens_a_managers_own_book_and_the_overview_for_others(manager, supervisor):
    index = reverse("accountmanagers:books_index")
    assert login(manager).get(index)["Location"] == reverse("accountmanagers:book", args=[manager.pk])
    assert login(supervisor).get(index)["Location"] == reverse("accountmanagers:books")
    assert "管户" in login(manager).get(reverse("workbench")).content.decode()


def test_a_book_page_shows_its_customers_with_tier_badge_and_figures(manager, org):
    ManagerProfile.objects.create(user=manager, capacity=10)
    top = CustomerFactory(name="顶级客户", tier="三星", account_manager=manager, org_unit=org["east_team"])
    pending_proposal(top, "二星")
    response = login(manager).get(reverse("accountmanagers:book", args=[manager.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的管户" in html and "顶级客户" in html and "绿色通道" in html
    assert "拟调整为：二星" in html
    assert response.context["summary"]["load_percent"] == 10


def test_a_bad_filter_on_a_book_is_named_in_chinese_and_ignored(manager, own_customer):
    response = login(manager).get(reverse("accountmanagers:book", args=[manager.pk]), {"ordering": "password"})
    assert response.status_code == 200
    assert any("排序" in line for line in response.context["filter_errors"])
    assert own_customer.name in response.content.decode()


def test_htmx_gets_only_the_book_table(manager, own_customer):
    response = login(manager).get(
        reverse("accountmanagers:book", args=[manager.pk]), {"q": "张"}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "accountmanagers/partials/book_table.html"
    assert own_customer.name in response.content.decode()


def test_overview_page_shows_load_balance_and_customers_without_a_manager(supervisor, manager, org):
    ManagerProfile.objects.create(user=manager, capacity=1, grids=["东一"])
    CustomerFactory(tier="三星", grid="东一", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="一星", grid="东一", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="一星", account_manager=None, org_unit=org["east_team"])
    response = login(supervisor).get(reverse("accountmanagers:books"))
    html = response.content.decode()
    assert response.status_code == 200
    assert manager.full_name in html and "东一" in html and "200%" in html
    assert response.context["unassigned"] == 1 and "?unassigned=true" in html
    assert response.context["over_capacity"] == 1


def test_recounting_is_for_supervisors_and_admins(supervisor, manager, own_customer, org):
    assert login(manager).post(reverse("accountmanagers:books_refresh")).status_code == 403
    assert login(supervisor).get(reverse("accountmanagers:books_refresh")).status_code == 405
    books.books_refresh()
    CustomerFactory(account_manager=manager, org_unit=org["east_team"])
    response = login(supervisor).post(reverse("accountmanagers:books_refresh"), follow=True)
    assert response.context["overall"].customers == 2


def test_overview_is_refused_without_the_capability(agent):
    assert login(agent).get(reverse("accountmanagers:books")).status_code == 403
    assert login(agent).get(reverse("accountmanagers:books_index")).status_code == 403


def test_workbench_shows_a_managers_own_figures(manager, own_customer, org):
    CustomerFactory(tier="三星", account_manager=manager, org_unit=org["east_team"], has_valid_phone=False)
    cards = {card["title"]: card for card in login(manager).get(reverse("workbench")).context["cards"]}
    assert cards["我的管户"]["value"] == 2
    assert "三星 1" in cards["我的管户"]["hint"] and "2 位待补全" in cards["我的管户"]["hint"]


def test_workbench_shows_a_supervisor_customers_without_a_manager(supervisor, manager, org):
    CustomerFactory(account_manager=None, org_unit=org["east_team"])
    books.books_refresh()
    cards = {card["title"]: card for card in login(supervisor).get(reverse("workbench")).context["cards"]}
    assert cards["无客户经理的客户"]["value"] == 1
    assert cards["客户经理管户总览"]["value"] == 1


def test_the_customer_list_filters_customers_without_a_manager(supervisor, own_customer, org):
    lonely = CustomerFactory(name="无人管", account_manager=None, org_unit=org["east_team"])
    response = login(supervisor).get(reverse("customers:list"), {"unassigned": "true"})
    assert [c.pk for c in response.context["page_obj"]] == [lonely.pk]
    # The list shows the filter, so that it can be seen and lifted.
    assert '<option value="true" selected>无客户经理</option>' in response.content.decode()
    response = login(supervisor).get(reverse("customers:list"), {"unassigned": "false"})
    assert [c.pk for c in response.context["page_obj"]] == [own_customer.pk]


def test_a_supervisor_is_led_from_a_book_to_the_grade_changes_to_decide(supervisor, manager, own_customer):
    pending_proposal(own_customer, "三星")
    url = reverse("accountmanagers:book", args=[manager.pk])
    assert f"{reverse('grading:proposals')}?status=pending" in login(supervisor).get(url).content.decode()
    assert reverse("grading:proposals") not in login(manager).get(url).content.decode()  # may not decide
