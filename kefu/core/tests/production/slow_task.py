"""A task for scripts/scale_out_test.py only (its workers load it with --include): it records the
pool process that runs it, sleeps, then records that it finished, so that the script can kill the
process in the middle and see the task run again."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task
def sleep_then_mark(directory: str, seconds: float) -> int:
    folder = Path(directory)
    (folder / f"started-{os.getpid()}").write_text("started")
    time.sleep(seconds)
    (folder / f"done-{os.getpid()}").write_text("done")
    return os.getpid()
