"""Run the periodic jobs in this process: the embedded default's background worker."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from kefu.core.jobs import periodic_jobs, record_job_run

logger = logging.getLogger("kefu.jobs")


class Command(BaseCommand):
    help = "Run Kefu's periodic jobs (SLA sweeps and the like) in-process until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks.")

    def handle(self, *args, once=False, tick=5.0, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        next_run = {job.name: 0.0 for job in periodic_jobs()}
        self.stdout.write(f"Background jobs: {', '.join(next_run) or 'none registered'}")
        while not self.stopping:
            for job in periodic_jobs():
                if time.monotonic() >= next_run[job.name]:
                    next_run[job.name] = time.monotonic() + job.every_seconds
                    self._run(job)
            if once:
                break
            time.sleep(tick)

    def _run(self, job):
        close_old_connections()
        try:
            result = import_string(job.task).run()
            record_job_run(job.name)
            logger.info("job %s: %s", job.name, result)
        except Exception:  # one failing job must not stop the others
            logger.exception("job %s failed", job.name)
        finally:
            close_old_connections()

    def _stop(self, *_args):
        self.stopping = True
