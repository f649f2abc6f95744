"""Whose book a user may open, through the page and the API alike (books.get_book_manager_for_user):
an account manager only their own, a supervisor those of their subtree, auditors and admins all;
another id answers 404 (ids cannot be probed), no capability 403."""

import pytest
from django.urls import reverse

from kefu.conftest import api, login


def page(user, manager):
    return login(user).get(reverse("accountmanagers:book", args=[manager.pk]))


def api_summary(user, manager):
    return api(user).get(f"/api/v1/books/{manager.pk}/")


def api_customers(user, manager):
    return api(user).get(f"/api/v1/books/{manager.pk}/customers/")


WAYS = [page, api_summary, api_customers]


@pytest.mark.parametrize("way", WAYS)
def test_an_account_manager_never_sees_another_managers_book(
    way, manager, other_manager, own_customer, foreign_customer
):
    assert way(manager, manager).status_code == 200
    assert way(manager, other_manager).status_code == 404
    assert way(other_manager, manager).status_code == 404


@pytest.mark.parametrize("way", WAYS)
def test_a_supervisor_sees_the_books_of_their_subtree_only(way, supervisor, manager, other_manager):
    assert way(supervisor, manager).status_code == 200
    assert way(supervisor, other_manager).status_code == 404


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("role", ["admin_user", "auditor"])
def test_admins_and_auditors_see_every_book(way, role, request, manager, other_manager):
    user = request.getfixturevalue(role)
    assert way(user, manager).status_code == 200
    assert way(user, other_manager).status_code == 200


@pytest.mark.parametrize("way", WAYS)
def test_roles_without_books_are_refused(way, agent, handler, manager):
    assert way(agent, manager).status_code == 403
    assert way(handler, manager).status_code == 403


@pytest.mark.parametrize("way", WAYS)
def test_a_user_who_is_no_manager_has_no_book(way, admin_user, supervisor):
    assert way(admin_user, supervisor).status_code == 404


def test_the_page_and_the_api_list_the_same_customers(manager, own_customer, foreign_customer):
    page_html = page(manager, manager).content.decode()
    listed = [row["id"] for row in api_customers(manager, manager).json()["results"]]
    assert listed == [own_customer.pk]
    assert own_customer.name in page_html and foreign_customer.name not in page_html


def test_anonymous_users_are_sent_to_log_in(manager):
    from django.test import Client

    assert Client().get(reverse("accountmanagers:book", args=[manager.pk])).status_code == 302
    assert api().get(f"/api/v1/books/{manager.pk}/").status_code in (401, 403)
