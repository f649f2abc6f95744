"""Gunicorn settings for Kefu's web workers: `gunicorn config.wsgi -c config/gunicorn.conf.py`
(scripts/run.sh). Bind address, workers and threads are given on the command line."""


def post_fork(server, worker):
    """Each worker applies the opt-in garbage-collector setting (KEFU_GC_YOUNG_THRESHOLD; 0, the
    default, keeps Python's own)."""
    from kefu.core.runtime import tune_garbage_collector

    tune_garbage_collector()
