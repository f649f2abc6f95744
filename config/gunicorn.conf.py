"""Gunicorn settings for Kefu's web workers: `gunicorn config.wsgi -c config/gunicorn.conf.py`
(scripts/run.sh). Bind address, workers and threads are given on the command line."""

import os

# The hooks below read Django settings in a worker before it loads config.wsgi (which sets this
# too): without it a shell that never exported DJANGO_SETTINGS_MODULE gets workers that fail to boot.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def post_fork(server, worker):
    """Each worker applies the opt-in garbage-collector setting (KEFU_GC_YOUNG_THRESHOLD; 0, the
    default, keeps Python's own)."""
    from kefu.core.runtime import tune_garbage_collector

    tune_garbage_collector()


def on_starting(server):
    """Prometheus in several workers (PROMETHEUS_MULTIPROC_DIR, kefu/core/metrics.py): the counts
    of an earlier start are left out, as the directory must be empty when the workers start."""
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker that exits (restart, max_requests) stops counting towards the live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
