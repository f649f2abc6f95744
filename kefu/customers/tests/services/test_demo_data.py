from datetime import timedelta

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from kefu.customers.models import Customer, KeyPerson
from kefu.org.choices import Role
from kefu.org.models import User


def test_demo_data_has_every_role_members_key_persons_and_data_to_complete(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo_data", "--customers", "200", "--seed", "1")
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() >= 30
    assert Customer.objects.filter(parent__isnull=False).exists()
    assert KeyPerson.objects.exists()
    assert Customer.objects.filter(has_valid_phone=False).exists()
    assert Customer.objects.filter(has_valid_phone=True).count() > 150
    # Customers were created over the past years, not all at the moment of loading.
    assert Customer.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).count() > 100
    request = RequestFactory().post("/accounts/login/")
    for username in ("admin", "supervisor", "manager", "agent", "handler", "auditor"):
        assert authenticate(request, username=username, password="kefu2026") is not None


def test_demo_data_if_empty_loads_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo_data", "--customers", "50")
    count = Customer.objects.count()
    call_command("load_demo_data", "--customers", "50", "--if-empty")
    assert Customer.objects.count() == count
