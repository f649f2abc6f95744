"""The web workers' garbage-collector settings (kefu/core/runtime.py, applied by config/wsgi.py)."""

import gc
import importlib

import pytest

from kefu.core.runtime import tune_garbage_collector


@pytest.fixture
def restore_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_a_worker_freezes_what_start_up_loaded_and_passes_over_young_objects_less_often(restore_gc):
    gc.set_threshold(700, 10, 10)
    tune_garbage_collector(50_000)
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 1000


def test_zero_keeps_pythons_own_settings(restore_gc):
    gc.set_threshold(700, 10, 10)
    tune_garbage_collector(0)
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_the_wsgi_entry_point_applies_the_setting(restore_gc, settings):
    settings.KEFU_GC_YOUNG_THRESHOLD = 12_345
    import config.wsgi

    importlib.reload(config.wsgi)
    assert gc.get_threshold()[0] == 12_345
