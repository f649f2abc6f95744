"""API tokens: the token is checked on every call, its user's row is kept a few seconds.

DRF's TokenAuthentication reads the token joined to its user with the ORM on every call: at
5,000,000 requests that was the largest single cost of creating one through the API (1 ms of
Python and 0.4 ms of PostgreSQL planning the join, of about 10 ms; bench/bench_create_cpu.py).
Here a call reads only the token's row, by its primary key, with one plain statement, so a
regenerated or deleted token stops working at once in every worker. The user's row and unit are
kept in the process for `KEFU_TOKEN_USER_SECONDS` (5 by default, 0 reads them every time): a
change saved in this process applies at once (signals), one saved by another worker (a role,
a unit, a deactivation) within those seconds, like the configuration cache. Each call gets its
own User built from the kept values, so nothing one request sets on its user reaches another.
"""

import time

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from kefu.core.rows import row_by_key

from .models import OrgUnit, User

# Bounds the memory of a process that sees many users; expired entries go first.
MAX_KEPT_USERS = 10_000
_kept_users: dict[int, tuple[float, tuple, tuple | None]] = {}


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, at a fraction of its cost per call."""

    def authenticate_credentials(self, key):
        # One statement on one table by its primary key: nothing for the ORM to build or
        # PostgreSQL to plan beyond an index probe.
        token = row_by_key(Token, "key", key, ("key", "user"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = kept_user(token.user_id)
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token


def kept_user(user_id: int) -> User | None:
    """The user with their unit, from this process's copy if it is younger than the setting."""
    seconds = settings.KEFU_TOKEN_USER_SECONDS
    now = time.monotonic()
    entry = _kept_users.get(user_id) if seconds > 0 else None
    if entry is None or entry[0] <= now:
        user = User.objects.select_related("org_unit").filter(pk=user_id).first()
        if user is None or seconds <= 0:
            return user
        entry = (now + seconds, _values(user), _values(user.org_unit) if user.org_unit_id else None)
        _remember(user_id, entry, now)
    return _rebuild(entry)


def _values(instance) -> tuple:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _rebuild(entry) -> User:
    _expires, user_values, unit_values = entry
    user = User.from_db(connection.alias, [f.attname for f in User._meta.concrete_fields], user_values)
    if unit_values is not None:
        user.org_unit = OrgUnit.from_db(
            connection.alias, [f.attname for f in OrgUnit._meta.concrete_fields], unit_values
        )
    return user


def _remember(user_id: int, entry, now: float) -> None:
    if len(_kept_users) >= MAX_KEPT_USERS:
        # list() copies the items in one step: another thread may add a user meanwhile.
        for stale, (expires, *_rest) in list(_kept_users.items()):
            if expires <= now:
                _kept_users.pop(stale, None)
        if len(_kept_users) >= MAX_KEPT_USERS:
            _kept_users.clear()
    _kept_users[user_id] = entry


def forget_users(*args, **kwargs) -> None:
    """A signal receiver: a user or unit saved or deleted in this process applies at once."""
    _kept_users.clear()
