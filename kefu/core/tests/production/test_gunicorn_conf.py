"""The web workers' gunicorn hooks (config/gunicorn.conf.py) start from a bare shell."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_the_worker_hooks_find_the_settings_without_the_environment_variable():
    # `make run` on a fresh machine exports no DJANGO_SETTINGS_MODULE; post_fork reads a setting
    # before the worker loads config.wsgi, and every worker failed to boot.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    code = "import runpy; hooks = runpy.run_path('config/gunicorn.conf.py'); hooks['post_fork'](None, None)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=Path(settings.BASE_DIR), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
