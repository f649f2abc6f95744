"""The one scheduler of a scaled-out installation: Celery beat with its schedule in the database.

`KefuScheduler` is django-celery-beat's DatabaseScheduler (the schedule lives in the
django_celery_beat tables, shared by every machine, visible in /admin/) plus two things:
- at start it writes the periodic jobs the apps registered (kefu.core.jobs) into those tables
  (`sync_beat_schedule`) and disables Kefu jobs no longer registered;
- it only sends tasks while it holds the leader lease in the shared cache (Redis): a second beat
  started by mistake on another machine waits instead of sending every job twice, and takes
  over within LEASE_SECONDS if the first one dies.
"""

import logging
import socket
import uuid

from django.core.cache import cache
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from .jobs import periodic_jobs

logger = logging.getLogger("kefu.jobs")

MARK = "kefu.core.jobs"  # PeriodicTask.description of the rows this module manages
LEADER_KEY = "kefu:beat-leader"
LEASE_SECONDS = 60
STANDBY_SLEEP = 5.0


@transaction.atomic
def sync_beat_schedule() -> dict[str, int]:
    """The registered jobs as enabled PeriodicTask rows (interval as registered in code); Kefu's
    rows for jobs no longer registered are disabled. Idempotent."""
    counts = {"created": 0, "updated": 0, "disabled": 0}
    names = set()
    for job in periodic_jobs():
        names.add(job.name)
        interval, _new = IntervalSchedule.objects.get_or_create(
            every=job.every_seconds, period=IntervalSchedule.SECONDS
        )
        task, created = PeriodicTask.objects.get_or_create(
            name=job.name, defaults={"task": job.task, "interval": interval, "description": MARK}
        )
        if created:
            counts["created"] += 1
            continue
        if (task.task, task.interval_id, task.enabled, task.crontab_id) != (job.task, interval.pk, True, None):
            task.task, task.interval, task.enabled, task.description = job.task, interval, True, MARK
            task.crontab = task.solar = task.clocked = None
            task.save()
            counts["updated"] += 1
    for task in PeriodicTask.objects.filter(description=MARK, enabled=True).exclude(name__in=names):
        task.enabled = False
        task.save()
        counts["disabled"] += 1
    return counts


class KefuScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.leader_id = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        counts = sync_beat_schedule()
        logger.info("beat schedule synchronised with the registered jobs: %s", counts)
        super().setup_schedule()

    def is_leader(self) -> bool:
        """Take the lease if nobody holds it, keep it if we do (renewed at each tick)."""
        if cache.add(LEADER_KEY, self.leader_id, LEASE_SECONDS):
            logger.info("beat %s is the scheduler", self.leader_id)
            return True
        if cache.get(LEADER_KEY) == self.leader_id:
            cache.set(LEADER_KEY, self.leader_id, LEASE_SECONDS)
            return True
        return False

    def tick(self, *args, **kwargs):
        if not self.is_leader():
            return STANDBY_SLEEP  # another beat sends the tasks
        return min(super().tick(*args, **kwargs), LEASE_SECONDS / 3)
