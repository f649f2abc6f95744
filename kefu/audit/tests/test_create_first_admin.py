"""The production path's first login (docs/deployment.md): one administrator from the environment
or asked for, no demo account or data, nothing changed once an administrator exists."""

import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from kefu.audit.models import AuditEvent
from kefu.customers.models import Customer
from kefu.org.choices import Role
from kefu.org.models import OrgUnit, User

pytestmark = pytest.mark.django_db

ENV = {
    "KEFU_ADMIN_USERNAME": "ops-admin",
    "KEFU_ADMIN_PASSWORD": "Vq8#long-enough-pass",
    "KEFU_ADMIN_FULL_NAME": "运维管理员",
    "KEFU_COMPANY_NAME": "某市供电公司",
}


def create(*args, env=ENV) -> str:
    out = io.StringIO()
    with mock.patch.dict("os.environ", env):
        call_command("create_first_admin", *args, stdout=out)
    return out.getvalue()


def test_the_first_admin_comes_from_the_environment_with_the_company_and_no_demo_data():
    create("--from-env")
    admin = User.objects.get()
    assert (admin.username, admin.full_name, admin.role) == ("ops-admin", "运维管理员", Role.ADMIN)
    assert admin.is_superuser and admin.is_staff and admin.check_password(ENV["KEFU_ADMIN_PASSWORD"])
    assert admin.org_unit.name == "某市供电公司" and OrgUnit.objects.count() == 1
    assert not Customer.objects.exists()
    assert AuditEvent.objects.filter(target_type="org.user", target_id=admin.pk, action="created").exists()


def test_running_it_again_on_the_next_deploy_changes_nothing():
    create("--from-env")
    output = create("--from-env", env={**ENV, "KEFU_ADMIN_USERNAME": "another", "KEFU_ADMIN_PASSWORD": "x"})
    assert "nothing changed" in output and list(User.objects.values_list("username", flat=True)) == ["ops-admin"]


def test_a_weak_password_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="password"):
        create("--from-env", env={**ENV, "KEFU_ADMIN_PASSWORD": "123456"})
    assert not User.objects.exists() and not OrgUnit.objects.exists()


def test_a_missing_variable_is_named():
    with pytest.raises(CommandError, match="KEFU_ADMIN_PASSWORD"):
        create("--from-env", env={"KEFU_ADMIN_USERNAME": "ops-admin"})


def test_asked_interactively_into_an_existing_organisation_tree(org):
    answers = iter(["desk-admin", "值班管理员"])
    with (
        mock.patch("builtins.input", lambda prompt: next(answers)),
        mock.patch("getpass.getpass", return_value="Vq8#long-enough-pass"),
    ):
        call_command("create_first_admin", stdout=io.StringIO())
    admin = User.objects.get(username="desk-admin")
    assert admin.role == Role.ADMIN and admin.org_unit == org["company"]
