"""Fixtures shared by the core tests of every layer."""

import pytest


@pytest.fixture
def staff_admin(admin_user):
    """The administrator, allowed into the admin site."""
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return admin_user
