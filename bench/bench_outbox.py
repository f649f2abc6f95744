"""The outbox at scale (issue 18): queue and send N notice messages to the file transport.

    DATABASE_URL=… .venv/bin/python bench/bench_outbox.py [--messages 1000000] [--batch 5000]

1. Makes sure the database holds at least --messages customers (missing ones are inserted with a
   name and a mobile, through core/bulk.insert_rows; they stay for the next run).
2. Queues one SMS notice per customer with `messages_enqueue_customers` (template rendered per
   customer with the name and the outage date, opt-outs checked per batch, one transaction):
   messages/s.
3. Sends them with `outbox_send` to the file transport (JSON lines under a temporary directory;
   quiet hours off so that every message is due): messages/s.
4. Peak resident memory of the process (ru_maxrss) after each step; the target is < 500 MB.

Each step prints wall-clock seconds and this process's CPU seconds (on a shared machine the
second says what the work costs; SQLite works in-process, so its CPU is in it too).

Everything it queued is deleted at the end (the customers stay).
"""

import argparse
import os
import resource
import sys
import tempfile
from datetime import date

from common import database_label, machine_label, setup_django, stopwatch

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kefu.core.bulk import insert_rows  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.outbox.choices import Channel, MessageState  # noqa: E402
from kefu.outbox.models import Message  # noqa: E402
from kefu.outbox.sending import outbox_send  # noqa: E402
from kefu.outbox.services import messages_enqueue_customers  # noqa: E402

BODY = "尊敬的{{ customer_name }}：因线路检修，{{ date|date:'n月j日' }} 8:00–17:00 您所在区域计划停电，请提前做好准备。"


def cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_customers(count: int) -> None:
    have = Customer.objects.count()
    missing = count - have
    if missing <= 0:
        return
    with stopwatch() as elapsed, transaction.atomic():
        for start in range(0, missing, 50_000):
            rows = [
                {"name": f"压测客户{have + i}", "mobile": f"139{(have + i) % 10**8:08d}", "has_valid_phone": True}
                for i in range(start, min(start + 50_000, missing))
            ]
            insert_rows(Customer, rows, with_ids=False)
    print(f"inserted {missing:,} customers in {elapsed():.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    print(f"{machine_label()} · {database_label()} · {args.messages:,} messages · load {os.getloadavg()[0]:.1f}",
          flush=True)  # fmt: skip
    ensure_customers(args.messages)
    customers = Customer.objects.order_by("pk")
    first_over = customers.values_list("pk", flat=True)[args.messages - 1]
    customers = Customer.objects.filter(pk__lte=first_over)
    Message.objects.filter(purpose="bench_notice").delete()

    directory = tempfile.mkdtemp(prefix="kefu-outbox-bench-")
    settings.OUTBOX_TRANSPORTS = {"sms": {"BACKEND": "kefu.outbox.transports.FileTransport",
                                          "OPTIONS": {"DIRECTORY": directory}}}  # fmt: skip
    settings.OUTBOX_QUIET_CHANNELS = []
    print(f"before: peak RSS {peak_mb():.0f} MB", flush=True)

    cpu = cpu_s()
    with stopwatch() as elapsed:
        result = messages_enqueue_customers(
            actor=None, customers=customers, purpose="bench_notice", channel=Channel.SMS, body=BODY,
            variables={"date": date(2026, 7, 1)}, source="bench", source_id=1, key="bench:notice:1",
        )  # fmt: skip
    queued_s, queued_cpu = elapsed(), cpu_s() - cpu
    print(f"queue: {result.queued:,} queued ({result.opted_out} opted out, {result.no_address} without address) "
          f"in {queued_s:.1f} s = {result.queued / queued_s:,.0f} messages/s · CPU {queued_cpu:.1f} s = "
          f"{result.queued / queued_cpu:,.0f} messages per CPU second · peak RSS {peak_mb():.0f} MB",
          flush=True)  # fmt: skip

    sent = 0
    cpu = cpu_s()
    with stopwatch() as elapsed:
        while True:
            step = outbox_send(batch=args.batch, max_seconds=3600)
            sent += step.sent
            if not step.sent:
                break
    send_s, send_cpu = elapsed(), cpu_s() - cpu
    left = Message.objects.filter(purpose="bench_notice").exclude(state=MessageState.SENT).count()
    print(f"send: {sent:,} sent ({left} not sent) in {send_s:.1f} s = {sent / send_s:,.0f} messages/s · "
          f"CPU {send_cpu:.1f} s = {sent / send_cpu:,.0f} messages per CPU second · peak RSS {peak_mb():.0f} MB",
          flush=True)  # fmt: skip
    lines = sum(1 for path in __import__("pathlib").Path(directory).glob("*.jsonl") for _ in path.open())
    print(f"file transport wrote {lines:,} lines under {directory}", flush=True)
    with stopwatch() as elapsed:
        Message.objects.filter(purpose="bench_notice").delete()
    print(f"cleanup {elapsed():.1f} s", flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    sys.exit(0 if left == 0 and lines == sent else 1)


if __name__ == "__main__":
    main()
