"""Process settings for the web workers, applied by gunicorn's post_fork (config/gunicorn.conf.py)."""

import gc

from django.conf import settings


def tune_garbage_collector(young_threshold: int | None = None) -> None:
    """Opt-in: run the cyclic garbage collector's young passes less often in a web worker.

    Off by default (`KEFU_GC_YOUNG_THRESHOLD=0` keeps Python's own thresholds). When set, what
    the worker holds at this point is frozen out of later passes (it lives as long as the
    worker; with gunicorn's --preload that includes what Django loaded), and a young pass runs
    every `threshold` new container objects instead of Python's 700: almost everything a
    request makes is freed by reference counting when the request ends, so the passes mostly
    walk objects that are still in use. The cost is memory held a little longer by the cycles
    that do occur.
    """
    threshold = settings.KEFU_GC_YOUNG_THRESHOLD if young_threshold is None else young_threshold
    if threshold <= 0:
        return
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
