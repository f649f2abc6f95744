"""Two workers running the notice job at the same moment: each stage goes out once.

Needs real concurrent connections, so it runs on PostgreSQL (the SQLite test database is in
memory and private to one connection)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kefu.care import services
from kefu.care.choices import NoticeKind
from kefu.care.models import NoticeStage
from kefu.care.sending import NOTICE_SOURCE
from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox.choices import Channel
from kefu.outbox.models import Message


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_due_stages_send_each_once(supervisor, templates):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections to one database (runs in the PostgreSQL pass)")
    for _ in range(30):
        CustomerFactory(grid="东1")
    starts = timezone.now() + timedelta(days=10)
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.PLANNED, "title": "检修", "channel": Channel.SMS, "starts_at": starts,
              "grids": ["东1"], "offsets_days": [7]},
    )  # fmt: skip
    barrier = threading.Barrier(2)
    sent = []

    def work():
        try:
            barrier.wait()
            sent.append(services.notices_send_due(now=starts - timedelta(days=7)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert Message.objects.filter(source=NOTICE_SOURCE, source_id=notice.pk).count() == 30
    assert NoticeStage.objects.get(notice=notice).recipients == 30
