"""The books' API: the same selectors as the pages (kefu.accountmanagers.books)."""

from kefu.accountmanagers import books
from kefu.accountmanagers.models import ManagerProfile
from kefu.accountmanagers.tests.book_fixtures import pending_proposal
from kefu.conftest import api
from kefu.customers.tests.factories import CustomerFactory


def test_list_gives_each_managers_load_by_tier(supervisor, manager, org):
    ManagerProfile.objects.create(user=manager, capacity=4, level="chief")
    CustomerFactory(tier="三星", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="一星", account_manager=manager, org_unit=org["east_team"])
    body = api(supervisor).get("/api/v1/books/").json()
    assert body["count"] == 1 and body["count_is_capped"] is False
    (row,) = body["results"]
    assert row["manager"] == manager.pk and row["customers"] == 2 and row["level"] == "chief"
    assert row["by_tier"] == {"三星": 1, "二星": 0, "一星": 1}
    assert (row["capacity"], row["load_percent"], row["over_capacity"]) == (4, 50, False)


def test_list_refuses_an_unknown_ordering_naming_it(supervisor):
    response = api(supervisor).get("/api/v1/books/", {"ordering": "salary"})
    assert response.status_code == 400 and list(response.json()) == ["ordering"]


def test_balance_gives_spread_per_grid_and_customers_without_a_manager(supervisor, manager, org):
    ManagerProfile.objects.create(user=manager, grids=["东一"])
    CustomerFactory(grid="东一", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="三星", grid="东一", account_manager=None, org_unit=org["east_team"])
    body = api(supervisor).get("/api/v1/books/balance/").json()
    assert body["unassigned"] == 1 and body["unassigned_by_tier"]["三星"] == 1
    assert body["grids"] == [
        {"grid": "东一", "managers": 1, "customers": 1, "fewest": 1, "most": 1, "mean": 1.0, "spread": 0}
    ]
    assert body["overall"]["customers"] == 1 and body["refreshed_at"]


def test_count_again_is_for_supervisors_and_admins(supervisor, manager, own_customer, org):
    assert api(manager).post("/api/v1/books/count/").status_code == 403
    books.books_refresh()
    CustomerFactory(account_manager=manager, org_unit=org["east_team"])
    response = api(supervisor).post("/api/v1/books/count/")
    assert response.status_code == 200 and response.json()["rows"] == 1
    assert api(supervisor).get("/api/v1/books/balance/").json()["overall"]["customers"] == 2


def test_a_book_answers_its_head_and_its_customers(manager, own_customer, org):
    pending_proposal(own_customer, "三星")
    head = api(manager).get(f"/api/v1/books/{manager.pk}/").json()
    assert (head["customers"], head["awaiting_approval"], head["open_requests"]) == (1, 1, 0)
    (row,) = api(manager).get(f"/api/v1/books/{manager.pk}/customers/", {"awaiting_approval": "true"}).json()["results"]
    assert row["id"] == own_customer.pk and row["proposed_tier"] == "三星"
    assert row["missing"] == ["grid", "credit_rating", "potential", "customer_since"]


def test_a_bad_book_filter_is_refused_naming_the_field_in_chinese(manager):
    response = api(manager).get(f"/api/v1/books/{manager.pk}/customers/", {"ordering": "password"})
    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]
    assert "有效" in response.json()["ordering"][0]


def test_an_account_manager_gets_only_their_own_load_and_an_agent_nothing(manager, other_manager, agent, own_customer):
    body = api(manager).get("/api/v1/books/").json()
    assert [row["manager"] for row in body["results"]] == [manager.pk]
    assert api(manager).get("/api/v1/books/balance/").json()["unassigned"] == 0
    for path in ("/api/v1/books/", "/api/v1/books/balance/"):
        assert api(agent).get(path).status_code == 403
