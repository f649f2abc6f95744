"""The web workers' opt-in garbage-collector setting (kefu/core/runtime.py, applied by gunicorn's
post_fork in config/gunicorn.conf.py)."""

import gc
import importlib.util

import pytest
from django.conf import settings as django_settings

from kefu.core.runtime import tune_garbage_collector


@pytest.fixture
def restore_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def gunicorn_config():
    spec = importlib.util.spec_from_file_location(
        "kefu_gunicorn_conf", django_settings.BASE_DIR / "config" / "gunicorn.conf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_zero_keeps_python_s_own_settings(restore_gc):
    gc.set_threshold(700, 10, 10)
    tune_garbage_collector(0)
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_a_threshold_set_freezes_what_the_worker_holds_and_passes_over_young_objects_less_often(restore_gc):
    gc.set_threshold(700, 10, 10)
    tune_garbage_collector(50_000)
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 1000


def test_gunicorn_s_post_fork_applies_the_setting(restore_gc, settings):
    settings.KEFU_GC_YOUNG_THRESHOLD = 12_345
    gunicorn_config().post_fork(server=None, worker=None)
    assert gc.get_threshold()[0] == 12_345
