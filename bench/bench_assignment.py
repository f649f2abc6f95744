"""Assigning every customer to an account manager (issue 16): time, spread per grid, stability.

    DATABASE_URL=postgres://…/kefu_scale .venv/bin/python bench/bench_assignment.py [--change 1]

Against the scale profile (bench/generate_scale.py: 1,000,000 customers in 200 grids, 2,016
managers with profiles; `manage.py migrate accountmanagers` first). Everything runs inside one
transaction that is rolled back at the end, so the database is left as it was. As `scaleadmin`:

1. the automatic assignment through the service (`assignment_preview`: read managers and
   customers, work out the plan, save the plan and its moves), with the in-memory part timed on
   its own; then applying it (`plan_apply`: the customers' UPDATEs, one audit entry each);
2. the spread per grid: most minus fewest customers among a grid's managers under capacity
   (a manager held lower by their capacity is what the capacities force);
3. a second run straight after: how many customers it would move (stable: none);
4. --change percent of the customers move house to another grid of their branch that their
   manager does not serve (a plain UPDATE of `grid`); a third run: how many move, split into
   those that must (their manager no longer serves them) and those balance then moves.
"""

import argparse
import os
import random
import time
from collections import Counter

from common import database_label, machine_label, machine_noise, setup_django, stopwatch

# The preview and the apply are background jobs; here they run at once in this thread, inside
# the transaction rolled back at the end, so that each is timed whole.
os.environ["KEFU_BACKGROUND"] = "sync"
setup_django()

from django.db import transaction  # noqa: E402

from kefu.accountmanagers import selectors, services  # noqa: E402
from kefu.accountmanagers.assignment import plan_assignment, spread_per_grid  # noqa: E402
from kefu.accountmanagers.choices import FORCED_REASONS  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.org.models import User  # noqa: E402


class Rollback(Exception):
    pass


def spread_report(pool) -> str:
    grids = sorted({grid for manager in pool if manager.grids for grid in manager.grids})
    spreads = spread_per_grid(pool, grids)
    counts = Counter(spreads.values())
    full = sum(1 for m in pool if m.capacity and m.load >= m.capacity)
    loads = [m.load for m in pool]
    return (
        f"spread per grid: max {max(spreads.values())}, grids by spread {dict(sorted(counts.items()))}; "
        f"managers at capacity {full}; customers per manager {min(loads)}–{max(loads)}"
    )


def engine_run(actor):
    """The read and the in-memory plan, timed apart (what assignment_preview does before saving)."""
    with stopwatch() as read:
        pool = selectors.assignment_pool(actor)
        customers = list(selectors.assignment_customers(actor))
        ranks, unavailable = selectors.tier_ranks(), selectors.unavailable_managers()
    with stopwatch() as compute:
        plan = plan_assignment(pool, customers, tier_rank=ranks, unavailable=unavailable)
    return plan, pool, read(), compute()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--change", type=float, default=1.0, help="percent of customers who move house (default 1)")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    actor = User.objects.get(username="scaleadmin")
    print(f"{database_label()}, {machine_label()}; noise {machine_noise()}")
    print(f"customers {Customer.objects.count():,}, managers with a profile {len(selectors.assignment_pool(actor)):,}")
    try:
        with transaction.atomic():
            # 1. First run: the engine alone, then the whole preview and its application.
            plan, pool, read, compute = engine_run(actor)
            reasons = Counter(reason for *_ft, reason in plan.moves.values())
            print(f"engine: read {read:.1f} s, plan {compute:.1f} s: {len(plan.moves):,} moves {dict(reasons)}, "
                  f"{len(plan.unplaced):,} unplaced")  # fmt: skip
            print("  " + spread_report(pool))
            with stopwatch() as preview:
                saved = services.assignment_preview(actor=actor)
            print(f"assignment_preview (read, plan, save {saved.moves_count:,} moves): {preview():.1f} s")
            with stopwatch() as apply:
                services.plan_apply(actor=actor, plan=saved)
            saved.refresh_from_db()
            print(f"plan_apply ({saved.applied_count:,} customers moved, audited): {apply():.1f} s")

            # 2. Straight after: nothing to move.
            again, pool, read, compute = engine_run(actor)
            print(f"re-run at once: {len(again.moves):,} moves (read {read:.1f} s, plan {compute:.1f} s)")
            print("  " + spread_report(pool))

            # 3. Some customers move house to a grid their manager does not serve.
            rng = random.Random(args.seed)
            served = {m.id: m.grids or frozenset() for m in pool}
            grids_of_region: dict[str, list[str]] = {}
            for manager in pool:
                for region in manager.regions or ():
                    grids_of_region.setdefault(region, [])
                    grids_of_region[region] = sorted(set(grids_of_region[region]) | set(manager.grids or ()))
            rows = list(
                Customer.objects.exclude(account_manager=None).values_list("pk", "region", "account_manager_id")
            )
            chosen = rng.sample(rows, int(len(rows) * args.change / 100))
            moved_house: dict[str, list[int]] = {}
            for pk, region, manager in chosen:
                options = [g for g in grids_of_region.get(region, []) if g not in served.get(manager, ())]
                if options:
                    moved_house.setdefault(rng.choice(options), []).append(pk)
            started = time.perf_counter()
            for grid, ids in moved_house.items():
                Customer.objects.filter(pk__in=ids).update(grid=grid)
            changed = sum(len(ids) for ids in moved_house.values())
            print(f"{changed:,} customers moved house ({args.change} %) in {time.perf_counter() - started:.1f} s")
            third, pool, read, compute = engine_run(actor)
            reasons = Counter(reason for *_ft, reason in third.moves.values())
            forced = sum(count for reason, count in reasons.items() if reason in FORCED_REASONS)
            changed_ids = {pk for ids in moved_house.values() for pk in ids}
            print(f"re-run after the change: {len(third.moves):,} moves {dict(reasons)} "
                  f"(read {read:.1f} s, plan {compute:.1f} s)")  # fmt: skip
            print(f"  must move: {forced:,} (all of them among those who moved house: "
                  f"{all(pk in changed_ids for pk, m in third.moves.items() if m[2] in FORCED_REASONS)}); "
                  f"moved for balance: {len(third.moves) - forced:,}")  # fmt: skip
            print("  " + spread_report(pool))
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
