"""Process settings for the web workers, applied once the application is loaded."""

import gc

from django.conf import settings


def tune_garbage_collector(young_threshold: int | None = None) -> None:
    """Spare each request most of the cyclic garbage collector's passes.

    With Python's default (a young-generation pass every 700 new container objects) a request
    creation ran several passes, and each one also walked what Django loaded at start-up. Objects
    alive now (modules, URL patterns, settings, the loaded apps) live as long as the worker, so
    they are frozen out of every later pass; and a young pass every 50,000 objects instead of 700
    costs a few MB at most, since almost everything a request makes is freed by reference
    counting the moment the request ends. Measured on request creation: −0.25 ms of Python
    (≈ 5 %, bench/README.md). `KEFU_GC_YOUNG_THRESHOLD=0` keeps Python's defaults.
    """
    threshold = settings.KEFU_GC_YOUNG_THRESHOLD if young_threshold is None else young_threshold
    if threshold <= 0:
        return
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, middle, old)
