"""One shared cast for every test, named by role (see CONVENTIONS.md habit 8).

Tree: 总公司 (company) → 城东分公司 (branch) → 营销部 (department) → 一班 (team)
                      → 城西分公司 (branch) → 营销部 → 二班
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from kefu.customers.tests.factories import CustomerFactory
from kefu.org.choices import Role, UnitKind
from kefu.org.tests.factories import UserFactory, make_unit


@pytest.fixture(autouse=True)
def _sync_background(settings, tmp_path):
    # Background jobs run in the calling thread in tests, after commit.
    settings.KEFU_BACKGROUND = "sync"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    # Plain static names: a manifest left by an earlier collectstatic would name files older than
    # the ones being tested (kefu/core/tests/views/test_light_pages.py collects its own).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Proper password hashing is slow on purpose; tests need speed, not secrecy.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rolled-back tests reuse calendar ids and revisions: start each with no cached day tables.
    from kefu.core import config_cache
    from kefu.sla import calendar

    calendar._tables.clear()
    # Each test worker its own cache (the file cache of the embedded default is shared).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kefu-tests"}
    }
    config_cache.forget_here()  # nor configuration loaded from a rolled-back test's rows
    from django.core.cache import cache

    cache.clear()  # nor queue counts of a user id that the next test gives someone else


@pytest.fixture
def org(db):
    company = make_unit("总公司", UnitKind.COMPANY, code="HQ")
    east = make_unit("城东分公司", UnitKind.BRANCH, company, code="EAST")
    east_sales = make_unit("城东营销部", UnitKind.DEPARTMENT, east, code="EAST-S")
    east_team = make_unit("一班", UnitKind.TEAM, east_sales, code="EAST-S-1")
    west = make_unit("城西分公司", UnitKind.BRANCH, company, code="WEST")
    west_team = make_unit("二班", UnitKind.TEAM, west, code="WEST-1")
    return {"company": company, "east": east, "east_team": east_team, "west": west, "west_team": west_team}


@pytest.fixture
def manager(org):
    """An account manager in the east team."""
    return UserFactory(username="manager", full_name="王经理", role=Role.ACCOUNT_MANAGER, org_unit=org["east_team"])


@pytest.fixture
def other_manager(org):
    """An account manager in the west branch: outside the east supervisor's subtree."""
    return UserFactory(
        username="other_manager", full_name="李经理", role=Role.ACCOUNT_MANAGER, org_unit=org["west_team"]
    )


@pytest.fixture
def supervisor(org):
    """Supervisor of the east branch (sees its whole subtree)."""
    return UserFactory(username="supervisor", full_name="赵主管", role=Role.SUPERVISOR, org_unit=org["east"])


@pytest.fixture
def agent(org):
    return UserFactory(username="agent", full_name="孙坐席", role=Role.AGENT, org_unit=org["company"])


@pytest.fixture
def handler(org):
    """A handling-department user: no access to the customer archive."""
    return UserFactory(username="handler", full_name="周抢修", role=Role.HANDLER, org_unit=org["west"])


@pytest.fixture
def auditor(org):
    return UserFactory(username="auditor", full_name="吴审计", role=Role.AUDITOR, org_unit=org["company"])


@pytest.fixture
def admin_user(org):
    return UserFactory(username="admin", full_name="郑管理员", role=Role.ADMIN, org_unit=org["company"])


@pytest.fixture
def own_customer(manager, org):
    """A customer of `manager`, served by the east team."""
    return CustomerFactory(name="张三", account_manager=manager, org_unit=org["east_team"])


@pytest.fixture
def foreign_customer(other_manager, org):
    """A customer of the west branch: outside `manager`'s and `supervisor`'s scope."""
    return CustomerFactory(name="李四", account_manager=other_manager, org_unit=org["west_team"])


def login(user) -> Client:
    """A client logged in as `user` (the login form itself is tested in org/tests)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return login


def api(user=None) -> APIClient:
    """An API client authenticated as `user` (anonymous without one), the API's counterpart of login()."""
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def caller(user) -> Client:
    """A client logged in as `user` that gets the 500 a browser would, instead of the view's exception."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


pytest_plugins = ["kefu.core.testing.browser"]
