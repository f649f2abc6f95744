"""API tokens (kefu.org.authentication): the token, its user and the user's unit are read on
every call, so a revoked token, a deactivation or a password change applies at once."""

from django.db import connection
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


def change_in_another_process(user: User, **fields) -> None:
    """What another worker's save looks like from here: the row changes, no signal arrives."""
    User.objects.filter(pk=user.pk).update(**fields)


def test_the_caller_comes_with_their_unit_in_one_query_so_a_scope_needs_no_further_read(manager):
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials

    def scope_path():
        user, _token = authenticate(token.key)
        return user.org_unit.path

    assert count_queries(scope_path) == 1  # the token joined to its user and their unit


def test_a_token_deleted_by_another_process_stops_working_at_once(manager):
    old = Token.objects.create(user=manager)
    assert me(api_client(old)).status_code == 200
    with connection.cursor() as cursor:  # no signal reaches this process
        cursor.execute("DELETE FROM authtoken_token WHERE key = %s", [old.key])
    response = me(api_client(old))
    assert response.status_code == 401
    assert response.json()["detail"] == "认证令牌无效。"


def test_the_regenerated_token_works_at_once_and_the_old_one_no_more(manager):
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


def test_a_user_deactivated_by_another_process_is_refused_at_once(manager):
    client = api_client(Token.objects.create(user=manager))
    assert me(client).status_code == 200
    change_in_another_process(manager, is_active=False)
    response = me(client)
    assert response.status_code == 401
    assert response.json()["detail"] == "用户未激活或已删除。"


def test_a_role_changed_by_another_process_applies_to_the_next_call(manager):
    client = api_client(Token.objects.create(user=manager))
    assert me(client).json()["full_name"] == "王经理"
    change_in_another_process(manager, full_name="王总监")
    assert me(client).json()["full_name"] == "王总监"


def test_a_password_changed_elsewhere_ends_a_signed_in_api_session_at_once(client, manager):
    client.force_login(manager)
    assert me(client).status_code == 200
    elsewhere = User.objects.get(pk=manager.pk)
    elsewhere.set_password("新密码-2026")
    change_in_another_process(manager, password=elsewhere.password)
    assert me(client).status_code in (401, 403)


def test_each_call_gets_its_own_user_so_nothing_one_request_sets_reaches_another(manager):
    token = Token.objects.create(user=manager)
    authenticate = authentication.TokenAuthentication().authenticate_credentials
    first, _ = authenticate(token.key)
    first.full_name = "changed by the first request"
    second, _ = authenticate(token.key)
    assert second is not first and second.full_name == "王经理"


def test_an_unknown_token_is_refused_with_the_reason(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = me(client)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
