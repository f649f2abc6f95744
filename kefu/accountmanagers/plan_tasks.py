from celery import shared_task


@shared_task
def plan_compute_task(plan_id: int) -> None:
    """Work a plan out (preview). Safe to run twice: only a plan still being worked out is written."""
    from .services import plan_compute

    plan_compute(plan_id=plan_id)


@shared_task
def plan_apply_task(plan_id: int, actor_id: int) -> None:
    """Apply a plan. Safe to run twice: the plan's status is claimed with a conditional update."""
    from .services import plan_apply_run

    plan_apply_run(plan_id=plan_id, actor_id=actor_id)


@shared_task
def plans_reap_task() -> int:
    """Periodic: fail plans left computing or applying by a dead worker (past the job lease)."""
    from .services import plans_reap

    return plans_reap()
