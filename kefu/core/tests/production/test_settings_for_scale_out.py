"""The settings a scaled-out installation relies on, read from the environment as in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[4]


def settings_with(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_S3_", "KEFU_STORAGE"))}
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kefu_storage_s3_makes_the_object_store_the_default_storage_with_private_files():
    result = settings_with(
        "from django.core.files.storage import default_storage as s; import json; "
        "print(json.dumps([type(s._wrapped if s._wrapped.__class__ is not object else s._setup() or s._wrapped)"
        ".__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth]))",
        KEFU_STORAGE="s3",
        KEFU_S3_BUCKET="kefu-prod",
        KEFU_S3_ENDPOINT_URL="http://minio.internal:9000",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "S3Storage",
        "kefu-prod",
        "http://minio.internal:9000",
        "private",
        True,
    ]


def test_an_unknown_kefu_storage_is_refused_at_start():
    result = settings_with("print(1)", KEFU_STORAGE="nfs")
    assert result.returncode != 0 and "KEFU_STORAGE must be local or s3" in result.stderr


def test_kept_database_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_celery_gives_back_the_task_of_a_worker_that_died_and_waits_longer_than_the_longest_task():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    assert settings.KEFU_JOB_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_PUBLISH_RETRY


def test_run_sh_starts_one_beat_apart_from_the_worker():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "--beat" not in script
    assert script.count("celery -A config beat") == 1
