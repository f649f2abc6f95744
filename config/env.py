"""Typed readers for settings from the environment that fail loudly on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_pair(name: str) -> tuple[str, str] | None:
    """Two comma-separated values (e.g. a header and its value), or None when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ImproperlyConfigured(f"{name} must be two values separated by a comma, got {raw!r}")
    return parts[0], parts[1]


def refuse_development_secret_key(settings) -> None:
    """With DEBUG off, the web app must not sign sessions with the key everyone can read in
    the source: called by config/wsgi.py and config/asgi.py before the app is built."""
    if not settings.DEBUG and settings.SECRET_KEY in ("", settings.DEVELOPMENT_SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key while DEBUG is off: set SECRET_KEY to a long random value "
            "(README, Production settings), or DEBUG=1 on a developer's machine."
        )
