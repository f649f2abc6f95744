"""Personal logins, throttling after repeated failures, password change, the API token page, sessions."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kefu.org.tests.factories import TEST_PASSWORD


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_staff_member_logs_in_with_their_own_password_and_lands_on_the_workbench(client, manager):
    response = post_login(client, "manager", TEST_PASSWORD)
    assert response.status_code == 302 and response.url == reverse("workbench")
    assert client.get(reverse("workbench")).status_code == 200


def test_wrong_password_shows_an_error_and_does_not_log_in(client, manager):
    response = post_login(client, "manager", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("workbench")).status_code == 302


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "manager", "wrong")
    response = post_login(client, "manager", TEST_PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("workbench")).status_code == 302


def test_lockout_is_per_user_so_colleagues_can_still_log_in(client, manager, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "manager", "wrong")
    assert post_login(client, "agent", TEST_PASSWORD).status_code == 302


def test_password_change_needs_the_old_password(client_for, manager):
    client = client_for(manager)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Xin-mima-2027!", "new_password2": "Xin-mima-2027!"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Xin-mima-2027!", "new_password2": "Xin-mima-2027!"},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("Xin-mima-2027!")


def test_anonymous_visitor_cannot_change_a_password(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_regenerating_the_api_token_revokes_the_old_one(client_for, manager):
    client = client_for(manager)
    client.post(reverse("api_token"))
    first = Token.objects.get(user=manager).key
    client.post(reverse("api_token"))
    second = Token.objects.get(user=manager).key
    assert first != second
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get(reverse("api-me")).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get(reverse("api-me")).json()["username"] == "manager"


def test_api_token_page_needs_login(client):
    assert client.get(reverse("api_token")).status_code == 302


@pytest.mark.parametrize("role_fixture", ["agent", "manager", "handler", "supervisor", "auditor", "admin_user"])
def test_every_role_has_a_workbench(client_for, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert client_for(user).get(reverse("workbench")).status_code == 200


def test_sidebar_hides_what_the_role_cannot_open(client_for, handler, auditor):
    handler_page = client_for(handler).get(reverse("workbench")).content.decode()
    assert reverse("customers:list") not in handler_page
    auditor_page = client_for(auditor).get(reverse("workbench")).content.decode()
    assert reverse("audit:list") in auditor_page


def test_the_interface_speaks_chinese_first_and_english_on_request(client_for, manager):
    client = client_for(manager)
    assert 'lang="zh-hans"' in client.get(reverse("workbench")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("workbench")).content.decode()


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client_for, manager):
    client = client_for(manager)
    assert 'lang="zh-hans"' in client.get(reverse("workbench"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()


def test_a_signed_in_user_is_read_with_their_unit_in_one_query(client, manager):
    from django.contrib.auth import get_user
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    request = RequestFactory().get("/")
    request.session = client.session
    request.session.keys()  # read the session row first: what is counted is the user
    with CaptureQueriesContext(connection) as context:
        user = get_user(request)
    assert user == manager and user.org_unit.name == "一班"
    assert len(context.captured_queries) == 1


def test_a_user_deactivated_by_another_worker_is_signed_out_at_once(client, manager):
    from kefu.org.models import User

    client.force_login(manager)
    assert client.get(reverse("workbench")).status_code == 200
    User.objects.filter(pk=manager.pk).update(is_active=False)  # another worker's save: no signal here
    assert client.get(reverse("workbench")).status_code == 302


def test_a_password_changed_elsewhere_signs_the_old_session_out_at_once(client, manager):
    from kefu.org.models import User

    client.force_login(manager)
    assert client.get(reverse("workbench")).status_code == 200
    elsewhere = User.objects.get(pk=manager.pk)  # an administrator, or the user on another device
    elsewhere.set_password("新密码-2026")
    User.objects.filter(pk=manager.pk).update(password=elsewhere.password)  # no signal reaches this process
    assert client.get(reverse("workbench")).status_code == 302


def test_signing_out_ends_the_session_at_once(client, manager):
    from django.contrib.sessions.models import Session

    client.force_login(manager)
    assert client.get(reverse("workbench")).status_code == 200
    Session.objects.all().delete()  # as signing out in another worker does
    assert client.get(reverse("workbench")).status_code == 302


def test_an_inactive_user_is_signed_out(client, manager):
    client.force_login(manager)
    manager.is_active = False
    manager.save()
    assert client.get(reverse("workbench")).status_code == 302
