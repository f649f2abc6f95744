"""The books' reads: what a row shows (last contact, open requests, completeness, proposed tier),
the book's head, and the supervisors' snapshot (load, balance, customers without a manager)."""

from datetime import UTC, date, datetime

import pytest

from kefu.accountmanagers import books
from kefu.accountmanagers.models import BookLoad, ManagerProfile
from kefu.accountmanagers.tests.book_fixtures import note, pending_proposal, request_of
from kefu.customers.choices import CustomerKind, Potential
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.customers.tiers import is_green_channel
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory

COMPLETE = {
    "grid": "东一网格",
    "credit_rating": "A",
    "potential": Potential.HIGH,
    "customer_since": date(2015, 3, 1),
}


def rows_of(viewer, manager, **filters):
    pks = list(books.filter_book(books.book_customers(viewer, manager), filters).values_list("pk", flat=True))
    return books.book_rows(pks)


def test_a_book_lists_the_top_tier_first(manager, org):
    low = CustomerFactory(name="甲", tier="一星", account_manager=manager, org_unit=org["east_team"])
    top = CustomerFactory(name="乙", tier="三星", account_manager=manager, org_unit=org["east_team"])
    middle = CustomerFactory(name="丙", tier="二星", account_manager=manager, org_unit=org["east_team"])
    ungraded = CustomerFactory(name="丁", tier="", account_manager=manager, org_unit=org["east_team"])
    assert [row.pk for row in rows_of(manager, manager)] == [top.pk, middle.pk, low.pk, ungraded.pk]
    assert is_green_channel(rows_of(manager, manager)[0].tier)


def test_last_contact_is_the_newest_request_or_note(manager, own_customer):
    request_of(own_customer, manager, created_at=datetime(2026, 10, 1, tzinfo=UTC))
    note(own_customer, manager, at=datetime(2026, 11, 5, tzinfo=UTC))
    never = CustomerFactory(account_manager=manager, org_unit=own_customer.org_unit)
    by_pk = {row.pk: row for row in rows_of(manager, manager)}
    assert by_pk[own_customer.pk].last_contact == datetime(2026, 11, 5, tzinfo=UTC)
    assert by_pk[never.pk].last_contact is None
    # Longest without contact first: never contacted before contacted.
    assert [row.pk for row in rows_of(manager, manager, ordering="contact")] == [never.pk, own_customer.pk]


def test_open_requests_count_only_requests_not_closed(manager, own_customer):
    request_of(own_customer, manager)
    request_of(own_customer, manager)
    request_of(own_customer, manager, closed_at=datetime(2026, 11, 1, tzinfo=UTC))
    (row,) = rows_of(manager, manager)
    assert row.open_requests == 2
    assert books.book_summary(manager, manager)["open_requests"] == 2


def test_completeness_checks_key_person_and_industry_for_organisations_only(manager, org):
    person = CustomerFactory(account_manager=manager, org_unit=org["east_team"], **COMPLETE)
    company = CustomerFactory(
        kind=CustomerKind.ORGANISATION, account_manager=manager, org_unit=org["east_team"], **COMPLETE
    )
    by_pk = {row.pk: row for row in rows_of(manager, manager)}
    assert by_pk[person.pk].missing == [] and by_pk[person.pk].completeness == 100
    assert [check.code for check in by_pk[company.pk].missing] == ["industry", "key_person"]
    assert by_pk[company.pk].completeness == 75  # 6 of 8 checks
    assert [row.pk for row in rows_of(manager, manager, incomplete=True)] == [company.pk]

    KeyPersonFactory(customer=company)
    company.industry = "制造业"
    company.save()
    assert rows_of(manager, manager, incomplete=True) == []
    assert books.book_summary(manager, manager)["incomplete"] == 0


def test_a_customer_without_a_valid_phone_or_grading_data_is_incomplete(manager, org):
    customer = CustomerFactory(account_manager=manager, org_unit=org["east_team"], has_valid_phone=False)
    (row,) = rows_of(manager, manager)
    assert [check.code for check in row.missing] == ["phone", "grid", "credit_rating", "potential", "customer_since"]
    assert books.book_summary(manager, manager)["incomplete"] == 1 and row.pk == customer.pk


def test_a_pending_grade_change_shows_on_the_row_and_in_the_head(manager, own_customer, org):
    other = CustomerFactory(account_manager=manager, org_unit=org["east_team"])
    pending_proposal(own_customer, "三星")
    rows = {row.pk: row for row in rows_of(manager, manager)}
    assert rows[own_customer.pk].proposed_tier == "三星" and rows[other.pk].proposed_tier is None
    assert [row.pk for row in rows_of(manager, manager, awaiting_approval=True)] == [own_customer.pk]
    assert books.book_summary(manager, manager)["awaiting_approval"] == 1


def test_book_summary_counts_customers_by_tier_against_capacity(manager, org):
    ManagerProfile.objects.create(user=manager, level=ManagerLevel.CHIEF, capacity=4)
    for tier in ("三星", "一星", "一星"):
        CustomerFactory(tier=tier, account_manager=manager, org_unit=org["east_team"], **COMPLETE)
    summary = books.book_summary(manager, manager)
    counts = {tier["code"]: tier["customers"] for tier in summary["tiers"]}
    assert counts == {"三星": 1, "二星": 0, "一星": 2}
    assert (summary["customers"], summary["capacity"], summary["load_percent"]) == (3, 4, 75)


def test_a_supervisor_sees_in_a_book_only_customers_of_their_subtree(supervisor, manager, org):
    inside = CustomerFactory(account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(account_manager=manager, org_unit=org["west_team"])  # served by the west branch
    assert [row.pk for row in rows_of(supervisor, manager)] == [inside.pk]
    assert books.book_summary(supervisor, manager)["customers"] == 1


# ------------------------------------------------------------------------------------------------
# The supervisors' snapshot.
@pytest.fixture
def east_books(org, manager):
    """Two managers in the east team serving grid 东一 (one holds 3 customers, one none yet),
    one of them also in 东二; two east customers without a manager."""
    second = UserFactory(username="east2", full_name="钱经理", role=Role.ACCOUNT_MANAGER, org_unit=org["east_team"])
    ManagerProfile.objects.create(user=manager, capacity=2, grids=["东一", "东二"])
    ManagerProfile.objects.create(user=second, capacity=10, grids=["东一"])
    for tier in ("三星", "一星", "一星"):
        CustomerFactory(tier=tier, grid="东一", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="二星", grid="东二", account_manager=manager, org_unit=org["east_team"])
    CustomerFactory(tier="三星", grid="东一", account_manager=None, org_unit=org["east_team"])
    CustomerFactory(tier="一星", grid="东一", account_manager=None, org_unit=org["east"])
    return {"first": manager, "second": second}


def test_overview_counts_load_per_manager_by_tier(supervisor, east_books, other_manager, foreign_customer):
    books.books_refresh()
    overview = books.books_overview(supervisor, ordering="-customers")
    rows = [(row.manager.pk, row.customers, list(row.by_tier), row.over_capacity) for row in overview["managers"]]
    # Tiers as columns top first: 三星, 二星, 一星. The west manager is outside the subtree.
    assert rows == [(east_books["first"].pk, 4, [1, 1, 2], True), (east_books["second"].pk, 0, [0, 0, 0], False)]
    assert overview["over_capacity"] == 1 and overview["refreshed_at"] is not None


def test_overview_balance_per_grid_counts_managers_serving_it_with_none_yet(supervisor, east_books):
    books.books_refresh()
    grids = {row["grid"]: row["spread"] for row in books.books_overview(supervisor)["grids"]}
    # 东一: the first holds 3, the second (whose profile serves it) none: spread 3.
    assert (grids["东一"].managers, grids["东一"].fewest, grids["东一"].most, grids["东一"].spread) == (2, 0, 3, 3)
    assert (grids["东二"].managers, grids["东二"].spread) == (1, 0)
    overall = books.books_overview(supervisor)["overall"]
    assert (overall.managers, overall.customers, overall.fewest, overall.most, overall.mean) == (2, 4, 0, 4, 2.0)


def test_overview_counts_customers_without_a_manager_by_tier(supervisor, east_books, admin_user):
    CustomerFactory(tier="三星", account_manager=None, org_unit=None)  # no unit: only the whole archive sees it
    books.books_refresh()
    overview = books.books_overview(supervisor)
    assert overview["unassigned"] == 2
    assert [(tier.code, n) for tier, n in overview["unassigned_by_tier"]] == [("三星", 1), ("二星", 0), ("一星", 1)]
    assert books.unassigned_count(supervisor) == 2 and books.unassigned_count(admin_user) == 3


def test_snapshot_agrees_with_the_live_scope_of_each_viewer(supervisor, admin_user, manager, east_books, org):
    CustomerFactory(account_manager=manager, org_unit=org["west_team"])  # the manager's, served in the west
    books.books_refresh()
    for viewer in (supervisor, admin_user, manager):
        overview = books.books_overview(viewer)
        for row in overview["managers"]:
            assert row.customers == books.book_customers(viewer, row.manager.pk).count()


def test_refresh_replaces_the_snapshot(supervisor, east_books, org):
    books.books_refresh()
    books.books_refresh()
    assert books.books_overview(supervisor)["overall"].customers == 4
    CustomerFactory(grid="东一", account_manager=east_books["second"], org_unit=org["east_team"])
    assert books.books_overview(supervisor)["overall"].customers == 4  # counted before the new customer
    books.books_refresh()
    assert books.books_overview(supervisor)["overall"].customers == 5
    assert sum(BookLoad.objects.values_list("customers", flat=True)) == 7


def test_a_snapshot_never_taken_is_taken_on_first_view(supervisor, east_books):
    assert not BookLoad.objects.exists()
    assert books.books_overview(supervisor)["overall"].customers == 4


def test_a_manager_who_left_stays_listed_while_holding_customers(supervisor, manager, own_customer):
    manager.is_active = False
    manager.save()
    assert list(books.book_managers_visible_to(supervisor)) == [manager]
    own_customer.account_manager = None
    own_customer.save()
    assert list(books.book_managers_visible_to(supervisor)) == []


def test_an_edited_profile_shows_at_once_without_a_recount(supervisor, east_books):
    books.books_refresh()
    assert books.books_overview(supervisor, ordering="-customers")["managers"][0].capacity == 2
    profile = ManagerProfile.objects.get(user=east_books["first"])
    profile.capacity = 8
    profile.save()
    row = books.books_overview(supervisor, ordering="-customers")["managers"][0]
    assert (row.capacity, row.load_percent, row.over_capacity) == (8, 50, False)


def test_a_supervisor_moved_to_another_unit_sees_its_books_at_once(supervisor, east_books, other_manager, org):
    books.books_refresh()
    assert other_manager.pk not in [row.manager.pk for row in books.books_overview(supervisor)["managers"]]
    supervisor.org_unit = org["west"]
    supervisor.save()
    assert [row.manager.pk for row in books.books_overview(supervisor)["managers"]] == [other_manager.pk]


def test_the_periodic_job_counts_the_books_again(supervisor, east_books):
    from django.utils.module_loading import import_string

    from kefu.core.jobs import periodic_jobs

    (job,) = [job for job in periodic_jobs() if job.name == "books_refresh"]
    assert import_string(job.task)()["rows"] == BookLoad.objects.count() > 0
    assert import_string(job.task)()["rows"] == BookLoad.objects.count()  # run twice: replaced, not added
