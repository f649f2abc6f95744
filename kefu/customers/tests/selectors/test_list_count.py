"""The customer list counts up to a cap and skips the count when the first page is short.

Why: at 1,000,000 customers an exact count of a one-character search took longer than the
page itself (bench/README.md, customer lookup).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.pagination import CappedCountPaginator
from kefu.customers import selectors
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory


def first_page(user, q="", *, per_page=2, cap=3, number=1):
    customers = selectors.customer_list(user, filters={"q": q})
    return CappedCountPaginator(customers, per_page, cap=cap).get_page(number)


def test_a_short_first_page_is_its_own_count(agent, own_customer, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = first_page(agent, own_customer.mobile)
        assert [c.name for c in page] == ["张三"]
        assert page.paginator.count == 1 and not page.paginator.count_is_capped


def test_counts_exactly_up_to_the_cap(agent):
    CustomerFactory.create_batch(3, name="王五")
    page = first_page(agent, "王")
    assert page.paginator.count == 3 and not page.paginator.count_is_capped
    assert page.paginator.num_pages == 2 and len(page) == 2


def test_beyond_the_cap_the_count_says_more_than(agent):
    CustomerFactory.create_batch(5, name="王五")
    page = first_page(agent, "王")
    assert page.paginator.count == 3 and page.paginator.count_is_capped
    assert page.paginator.num_pages == 2


def test_later_pages_and_bad_page_numbers_behave_as_before(agent):
    CustomerFactory.create_batch(3, name="王五")
    newest_first = list(Customer.objects.filter(name="王五").order_by("-id"))
    assert list(first_page(agent, "王", number=2)) == newest_first[2:]
    assert list(first_page(agent, "王", number="x")) == newest_first[:2]
    assert list(first_page(agent, "王", number=99)) == newest_first[2:]


def test_name_search_checks_the_order_of_the_characters(agent):
    CustomerFactory(name="王秀英")
    CustomerFactory(name="秀王")
    assert [c.name for c in first_page(agent, "王秀")] == ["王秀英"]
    assert sorted(c.name for c in first_page(agent, "王")) == ["王秀英", "秀王"]


def test_phone_search_finds_each_customer_once(agent, own_customer):
    KeyPersonFactory(customer=own_customer, mobile=own_customer.mobile)
    page = first_page(agent, own_customer.mobile)
    assert [c.pk for c in page] == [own_customer.pk]


def test_the_count_is_newest_first_unless_told_to_let_the_database_choose(agent):
    CustomerFactory.create_batch(5, name="王五")
    customers = selectors.customer_list(agent, filters={"q": "王"})
    for newest_first, ordered in ((True, True), (False, False)):
        paginator = CappedCountPaginator(customers, 2, cap=3, count_newest_first=newest_first)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count == 3 and paginator.count_is_capped
        (count_sql,) = [q["sql"] for q in queries.captured_queries]
        assert ("ORDER BY" in count_sql) is ordered


def test_a_search_reads_its_first_page_and_its_count_in_one_query(agent, django_assert_num_queries):
    CustomerFactory.create_batch(5, name="王五")
    customers = selectors.customer_list(agent, filters={"q": "王"})
    paginator = CappedCountPaginator(customers, 2, cap=3, count_with_first_page=True)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert len(page) == 2 and page.paginator.count == 3 and page.paginator.count_is_capped
        assert page.has_next()


def test_a_search_with_fewer_matches_than_the_cap_counts_them_all(agent):
    CustomerFactory.create_batch(3, name="王五")
    customers = selectors.customer_list(agent, filters={"q": "王"})
    page = CappedCountPaginator(customers, 2, cap=100, count_with_first_page=True).page(1)
    assert page.paginator.count == 3 and not page.paginator.count_is_capped and page.paginator.num_pages == 2


def test_a_search_still_refuses_a_page_number_that_is_not_one(agent):
    from django.core.paginator import PageNotAnInteger

    customers = selectors.customer_list(agent, filters={"q": "王"})
    paginator = CappedCountPaginator(customers, 2, cap=3, count_with_first_page=True)
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")
