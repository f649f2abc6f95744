"""Django's psycopg connection pool behind KEFU_DB_POOL=min,max (off by default), and the switch for
PgBouncer in transaction mode (KEFU_DB_DISABLE_SERVER_SIDE_CURSORS); docs/deployment.md."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import database_pool_options

from .test_settings_for_scale_out import ROOT, settings_with

PG_URL = "postgres://kefu:secret@db.internal:5432/kefu"
SHOW_DATABASE = (
    "import json; d = settings.DATABASES['default']; print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), "
    "'conn_max_age': d['CONN_MAX_AGE'], 'health_checks': d['CONN_HEALTH_CHECKS'], "
    "'no_server_side_cursors': d['DISABLE_SERVER_SIDE_CURSORS']}))"
)


def database_settings(unset: tuple[str, ...] = (), **env) -> dict:
    """settings.DATABASES['default'] as a process started with `env` (and without `unset`) builds it."""
    base = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith(("KEFU_DB_", "KEFU_S3_"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {SHOW_DATABASE}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_kefu_db_pool_gives_each_process_a_psycopg_pool_of_that_size_and_no_persistent_connections():
    built = database_settings(unset=("DB_CONN_MAX_AGE",), DATABASE_URL=PG_URL, KEFU_DB_POOL="2,8")
    assert built == {
        "pool": {"min_size": 2, "max_size": 8, "timeout": 5},
        "conn_max_age": 0,
        "health_checks": True,  # the pool checks a connection before handing it out
        "no_server_side_cursors": False,
    }


def test_without_kefu_db_pool_connections_are_kept_per_thread_as_before():
    built = database_settings(DATABASE_URL=PG_URL, DB_CONN_MAX_AGE="60")
    assert built["pool"] is None and built["conn_max_age"] == 60 and built["health_checks"] is True


def test_the_pool_wait_and_the_pgbouncer_switch_come_from_the_environment():
    built = database_settings(
        DATABASE_URL=PG_URL,
        KEFU_DB_POOL="0,4",
        KEFU_DB_POOL_TIMEOUT="3",
        KEFU_DB_DISABLE_SERVER_SIDE_CURSORS="1",
        DB_CONN_MAX_AGE="0",
    )
    assert built["pool"] == {"min_size": 0, "max_size": 4, "timeout": 3}
    assert built["no_server_side_cursors"] is True


def test_a_pool_on_sqlite_is_refused_at_start():
    result = settings_with(
        "print(1)", DATABASE_URL="sqlite:////tmp/kefu-pool.sqlite3", KEFU_DB_POOL="1,4", DB_CONN_MAX_AGE="0"
    )
    assert result.returncode != 0 and "KEFU_DB_POOL needs PostgreSQL" in result.stderr


def test_a_pool_with_persistent_connections_is_refused_naming_both_settings():
    with pytest.raises(ImproperlyConfigured, match="KEFU_DB_POOL cannot be used with DB_CONN_MAX_AGE > 0"):
        database_pool_options(("1", "4"), "60", 5)
    assert database_pool_options(("1", "4"), "0", 5) == {"min_size": 1, "max_size": 4, "timeout": 5}


@pytest.mark.parametrize(
    ("pool", "message"),
    [
        (("a", "4"), "two integers"),
        (("4", "2"), "0 <= min <= max"),
        (("0", "0"), "max >= 1"),
        (("-1", "2"), "0 <= min <= max"),
    ],
)
def test_a_pool_size_that_makes_no_sense_is_refused(pool, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_pool_options(pool, "", 5)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="a real pool needs PostgreSQL"
)
def test_queries_go_through_the_pool_on_postgresql():
    result = settings_with(
        "from django.db import connection; cursor = connection.cursor(); cursor.execute('SELECT 1'); "
        "import json; print(json.dumps([type(connection.pool).__name__, connection.pool.max_size, "
        "cursor.fetchone()[0]]))",
        KEFU_DB_POOL="1,3",
        DB_CONN_MAX_AGE="0",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["ConnectionPool", 3, 1]
