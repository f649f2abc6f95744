"""API tokens: checked on every call, the user's row kept a few seconds per process
(kefu.org.authentication)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kefu.core.testing import count_queries
from kefu.org import authentication
from kefu.org.models import User
from kefu.org.services import api_token_regenerate


def api_client(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def me(client: APIClient):
    return client.get(reverse("api-me"))


@pytest.fixture
def clock(monkeypatch):
    """A monotonic clock the test moves by hand."""
    now = [1000.0]
    monkeypatch.setattr(authentication.time, "monotonic", lambda: now[0])
    return now


def change_in_another_process(user: User, **fields) -> None:
    """What another worker's save looks like from here: the row changes, no signal arrives."""
    User.objects.filter(pk=user.pk).update(**fields)


def test_a_call_with_a_kept_user_reads_only_the_token_row(manager):
    token = Token.objects.create(user=manager)
    assert me(api_client(token)).json()["username"] == "manager"
    with CaptureQueriesContext(connection) as context:
        assert me(api_client(token)).status_code == 200
    assert [query["sql"] for query in context.captured_queries] == [
        f'SELECT "key", "user_id" FROM "authtoken_token" WHERE "key" = \'{token.key}\''
    ]


def test_the_kept_user_comes_with_their_unit_so_a_scope_needs_no_further_read(manager):
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials
    authenticate(token.key)

    def scope_path():
        user, _token = authenticate(token.key)
        return user.org_unit.path

    assert count_queries(scope_path) == 1  # the token row; user and unit from the process


def test_a_regenerated_token_stops_working_at_once_even_if_another_process_regenerated_it(manager):
    old = Token.objects.create(user=manager)
    assert me(api_client(old)).status_code == 200
    with connection.cursor() as cursor:  # no signal reaches this process
        cursor.execute("DELETE FROM authtoken_token WHERE key = %s", [old.key])
    response = me(api_client(old))
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效。"


def test_the_regenerated_token_works_at_once(manager):
    old = Token.objects.create(user=manager)
    me(api_client(old))
    new = api_token_regenerate(user=manager)
    assert me(api_client(old)).status_code == 401
    assert me(api_client(new)).json()["username"] == "manager"


def test_a_user_deactivated_in_this_process_is_refused_at_once(manager):
    client = api_client(Token.objects.create(user=manager))
    assert me(client).status_code == 200
    manager.is_active = False
    manager.save()
    assert me(client).status_code == 401


def test_a_change_saved_by_another_process_applies_within_the_kept_seconds(manager, settings, clock):
    settings.KEFU_TOKEN_USER_SECONDS = 5
    client = api_client(Token.objects.create(user=manager))
    assert me(client).status_code == 200
    change_in_another_process(manager, is_active=False, full_name="王经理（离职）")
    clock[0] += 4.9
    assert me(client).status_code == 200  # still the kept row
    clock[0] += 0.2
    assert me(client).status_code == 401


def test_a_role_changed_by_another_process_is_read_again_after_the_kept_seconds(manager, settings, clock):
    settings.KEFU_TOKEN_USER_SECONDS = 5
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials
    assert authenticate(token.key)[0].full_name == "王经理"
    change_in_another_process(manager, full_name="王总监")
    clock[0] += 6
    assert authenticate(token.key)[0].full_name == "王总监"


def test_zero_seconds_reads_the_user_on_every_call(manager, settings):
    settings.KEFU_TOKEN_USER_SECONDS = 0
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials
    authenticate(token.key)
    assert count_queries(lambda: authenticate(token.key)) == 2  # the token, the user with the unit


def test_each_call_gets_its_own_user_so_nothing_one_request_sets_reaches_another(manager):
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials
    first, _ = authenticate(token.key)
    first.full_name = "changed by the first request"
    first._scope_note = "set by the first request"
    second, _ = authenticate(token.key)
    assert second is not first
    assert second.full_name == "王经理" and not hasattr(second, "_scope_note")
    assert second == manager and not second._state.adding


def test_an_unknown_token_is_refused_with_the_reason(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = me(client)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_process_keeps_at_most_the_bound_of_users(manager, agent, settings, clock, monkeypatch):
    monkeypatch.setattr(authentication, "MAX_KEPT_USERS", 1)
    authentication.kept_user(manager.pk)
    clock[0] += 10  # the manager's entry has expired: it makes room
    authentication.kept_user(agent.pk)
    assert list(authentication._kept_users) == [agent.pk]
