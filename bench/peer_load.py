"""Load Kefu with the same data as the django-helpdesk peer (bench/peer_compare.py).

    DATABASE_URL=postgres://… .venv/bin/python bench/peer_load.py --peer-dir /tmp/peer [--kefu-dir DIR]

The peer's load.py puts 100,000 tickets with one follow-up each in 5 queues with 20 agents, its
text made by its textgen.py. This script makes the same in Kefu, from the same generator and
seed, through Django's ORM (bulk_create): 5 departments named as the peer's queues, 4 handlers
in each (20 staff), 30,000 customers (the peer's 30,000 submitter addresses), 100,000 requests
spread over a year, and per request its registration event and one more: a reply for an open
request (the peer's "工单已受理" follow-up), the closing step for a closed one. The peer's status
mix maps to Kefu's states: open 35 % -> registered, reopened 5 % -> in progress, resolved 25 % ->
resolved (a complaint: awaiting the callback), closed 35 % -> the workflow's final state. Open
requests get their resolution time-limit clock, as a request registered through the API would.

Run it on an empty, migrated database; --kefu-dir names the checkout whose code and models to
use (default: the one holding this script), so that an older version can be loaded the same way.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

# The peer's queue slugs, as Kefu request types.
TYPE_OF_QUEUE = {"repair": "repair", "billing": "inquiry", "service": "service", "complaint": "complaint",
                 "inquiry": "inquiry"}  # fmt: skip
# The peer's priorities 1 (critical) .. 5 (very low), as Kefu's.
PRIORITY_OF = {1: "urgent", 2: "high", 3: "normal", 4: "normal", 5: "low"}
BATCH = 5_000
ADMIN, PASSWORD = "benchadmin", "bench-2026"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-dir", required=True, help="the peer's scripts (its textgen.py is used)")
    parser.add_argument("--kefu-dir", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=20261122, help="the peer's load.py seed")
    return parser.parse_args()


def setup(kefu_dir: str, peer_dir: str):
    sys.path.insert(0, kefu_dir)
    sys.path.insert(0, peer_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def make_org():
    """A company, the peer's 5 queues as departments with 4 handlers each, an admin with a token."""
    from rest_framework.authtoken.models import Token
    from textgen import GIVEN, QUEUES, SURNAMES

    from kefu.org.choices import Role, UnitKind
    from kefu.org.models import OrgUnit, User

    rng = random.Random(5)
    company = OrgUnit.objects.add_root({"name": "压测供电公司", "kind": UnitKind.COMPANY, "code": "PEERBENCH"})
    departments, handlers = [], {}
    for index, (slug, title, _issues) in enumerate(QUEUES):
        unit = OrgUnit.objects.add_child(company, {"name": title, "kind": UnitKind.DEPARTMENT, "code": f"PB-{slug}"})
        departments.append(unit)
        handlers[unit.pk] = [
            User.objects.create_user(
                username=f"agent{index * 4 + n + 1:02d}",
                full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                role=Role.HANDLER,
                org_unit=unit,
            )
            for n in range(4)
        ]
    admin = User.objects.create_user(
        username=ADMIN, password=PASSWORD, full_name="压测管理员", role=Role.ADMIN, org_unit=company
    )
    Token.objects.get_or_create(user=admin)
    return departments, handlers, admin


def make_customers(count: int, departments) -> list[int]:
    from textgen import GIVEN, SURNAMES, address

    from kefu.customers.models import Customer

    rng = random.Random(7)
    customers = [
        Customer(
            kind="individual",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            mobile=f"139{i:08d}",
            has_valid_phone=True,
            address=address(rng)[:200],
            email=f"kehu{i:05d}@example.com",
            org_unit=rng.choice(departments),
        )
        for i in range(count)
    ]
    Customer.objects.bulk_create(customers, batch_size=BATCH)
    return list(Customer.objects.order_by("pk").values_list("pk", flat=True))


def states_by_type() -> dict[str, dict[str, object]]:
    """Per request type: the state for each of the peer's statuses."""
    from kefu.tickets.models import WorkflowState

    by_type: dict[str, dict[str, object]] = {}
    for state in WorkflowState.objects.select_related("workflow").order_by("position"):
        codes = by_type.setdefault(state.workflow.ticket_type, {})
        codes.setdefault(state.code, state)
        if state.kind == "final":
            codes.setdefault("__final__", state)
    states = {}
    for ticket_type, codes in by_type.items():
        second = next(state for code, state in codes.items() if not code.startswith("__") and not state.is_initial)
        states[ticket_type] = {
            1: codes["registered"],
            2: codes.get("in_progress", second),
            3: codes.get("resolved") or codes.get("callback") or second,
            4: codes["__final__"],
        }
    return states


def main():
    args = parse_args()
    setup(args.kefu_dir, args.peer_dir)
    from django.db import connection, transaction
    from django.utils import timezone
    from textgen import PRIORITY_WEIGHTS, QUEUES, REPLY, STATUS_WEIGHTS, make_ticket_fields, weighted

    from kefu.core.search import search_keys
    from kefu.sla.models import SlaClock, SlaPolicy
    from kefu.sla.services import sla_install_preset
    from kefu.tickets.models import Ticket, TicketEvent
    from kefu.tickets.services.setup import categories_install_defaults, workflows_install_defaults

    if connection.vendor != "postgresql":
        sys.exit("Compare on PostgreSQL, as the peer runs (set DATABASE_URL).")
    if Ticket.objects.exists():
        sys.exit("The database already holds requests: load into an empty, migrated database.")
    started = time.perf_counter()
    with transaction.atomic():
        workflows_install_defaults()
        categories_install_defaults()
        sla_install_preset(preset="utility")
        departments, handlers, _admin = make_org()
    customer_ids = make_customers(args.customers, departments)
    states = states_by_type()
    policies = dict(SlaPolicy.objects.filter(preset="utility", priority="").values_list("ticket_type", "id"))
    fallback_policy = next(iter(policies.values()))
    staff = [user for users in handlers.values() for user in users]
    print(f"org, {len(customer_ids):,} customers in {time.perf_counter() - started:.1f} s", flush=True)

    # Created times are drawn as the peer's (within the last 365 days), then given in order of
    # id, as a running system numbers its requests.
    for name in ("created_at", "updated_at"):
        field = Ticket._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    rng = random.Random(args.seed)
    now = timezone.now()
    span = 365 * 24 * 3600
    done = 0
    while done < args.tickets:
        count = min(BATCH, args.tickets - done)
        offsets = sorted((rng.randrange(span) for _ in range(count)), reverse=True)
        window = span * (args.tickets - done) / args.tickets, span * (args.tickets - done - count) / args.tickets
        tickets, extras = [], []
        for offset in offsets:
            # Spread each batch over its own slice of the year, so that ids grow with time.
            seconds = window[1] + (window[0] - window[1]) * offset / span
            created = now - timedelta(seconds=seconds)
            queue_index, title, description = make_ticket_fields(rng)
            status = weighted(rng, STATUS_WEIGHTS)
            priority = weighted(rng, PRIORITY_WEIGHTS)
            department = departments[queue_index]
            ticket_type = TYPE_OF_QUEUE[QUEUES[queue_index][0]]
            state = states[ticket_type][status]
            assignee = rng.choice(handlers[department.pk]) if rng.random() < 0.7 else None
            owner = rng.choice(staff)
            closed_at = created + timedelta(hours=rng.randint(1, 72)) if status == 4 else None
            due_at = created + timedelta(days=rng.choice((1, 3, 7)))
            tickets.append(
                Ticket(
                    created_at=created,
                    updated_at=closed_at or created,
                    ticket_type=ticket_type,
                    channel="phone",
                    priority=PRIORITY_OF[priority],
                    state=state,
                    title=title[:200],
                    description=description,
                    customer_id=rng.choice(customer_ids),
                    owner=owner,
                    department=department,
                    assignee=assignee,
                    closed_at=closed_at,
                    due_at=due_at,
                    search_grams=search_keys(title, description),
                    created_by=owner,
                )
            )
            extras.append((status, owner, assignee or owner, created, closed_at, rng.choice(REPLY)))
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=BATCH)
            events, clocks = [], []
            for ticket, (status, owner, handler, created, closed_at, reply) in zip(tickets, extras, strict=True):
                initial = states[ticket.ticket_type][1]
                events.append(TicketEvent(ticket=ticket, kind="created", actor=owner, to_state=initial,
                                          body=ticket.title, created_at=created))  # fmt: skip
                answered = created + timedelta(hours=rng.randint(1, 72))
                if status == 1:
                    events.append(TicketEvent(ticket=ticket, kind="reply", actor=handler, body=reply,
                                              created_at=min(answered, now)))  # fmt: skip
                else:
                    events.append(TicketEvent(ticket=ticket, kind="transition", actor=handler, from_state=initial,
                                              to_state=ticket.state, body=reply,
                                              created_at=min(closed_at or answered, now)))  # fmt: skip
                if closed_at is None:
                    clocks.append(
                        SlaClock(
                            ticket=ticket,
                            metric="resolution",
                            owner=ticket.owner,
                            assignee=ticket.assignee,
                            started_at=created,
                            policy_id=policies.get(ticket.ticket_type, fallback_policy),
                            due_at=ticket.due_at,
                            warn_at=ticket.due_at - timedelta(hours=12),
                        )
                    )
            TicketEvent.objects.bulk_create(events, batch_size=BATCH)
            SlaClock.objects.bulk_create(clocks, batch_size=BATCH)
        done += count
        if done % 20_000 == 0 or done == args.tickets:
            print(f"  {done:>8,} requests  {done / (time.perf_counter() - started):,.0f}/s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"{args.tickets:,} requests, {2 * args.tickets:,} events in {elapsed:.0f} s; admin {ADMIN} / {PASSWORD}")


if __name__ == "__main__":
    main()
