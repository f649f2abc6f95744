"""What care plugs into: the customer 360 timeline (greetings and notices received), the
workbench cards, the periodic jobs."""

from datetime import date, timedelta

from django.utils import timezone

from kefu.care import services
from kefu.care.choices import NoticeKind, Occasion
from kefu.care.workbench import care_cards
from kefu.core.jobs import periodic_jobs
from kefu.customers.tests.factories import CustomerFactory
from kefu.customers.timeline import customer_timeline
from kefu.outbox.choices import Channel


def test_greetings_and_notices_received_are_on_the_customer_timeline(admin_user, supervisor, templates):
    customer = CustomerFactory(grid="东1")
    rule = services.care_rule_create(
        actor=admin_user,
        data={
            "name": "春节问候",
            "occasion": Occasion.SPRING_FESTIVAL,
            "channel": Channel.SMS,
            "purpose": "care_spring",
        },
    )
    batch, _created = services.care_batch_generate(actor=None, rule=rule, day=date(2026, 2, 17))
    services.care_batch_approve(actor=supervisor, batch=batch)
    services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.UNPLANNED, "title": "故障停电", "reason": "线路故障", "channel": Channel.SMS,
              "starts_at": timezone.now(), "ends_at": timezone.now() + timedelta(hours=2), "grids": ["东1"]},
    )  # fmt: skip
    kinds = [entry for entry in customer_timeline(customer.pk) if entry.kind == "care"]
    assert len(kinds) == 2
    assert {entry.icon for entry in kinds} == {"gift", "megaphone"}
    assert any("线路故障" in entry.body for entry in kinds)
    assert all(entry.url for entry in kinds)


def test_supervisors_see_batches_to_approve_but_not_their_own(admin_user, supervisor, manager, templates):
    CustomerFactory()
    rule = services.care_rule_create(
        actor=admin_user,
        data={
            "name": "春节问候",
            "occasion": Occasion.SPRING_FESTIVAL,
            "channel": Channel.SMS,
            "purpose": "care_spring",
        },
    )
    services.care_batch_generate(actor=admin_user, rule=rule, day=date(2026, 2, 17))
    assert care_cards(supervisor)[0]["value"] == 1
    assert care_cards(admin_user)[0]["value"] == 0  # the admin drew it up
    assert care_cards(manager) == []


def test_notices_going_out_today_are_counted_for_those_who_send_them(supervisor, templates):
    starts = timezone.now() + timedelta(days=1, hours=1)
    services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.TEMPORARY, "title": "临时停电", "channel": Channel.SMS, "starts_at": starts,
              "grids": ["东1"]},
    )  # fmt: skip
    cards = care_cards(supervisor)
    assert len(cards) == 2
    expected = 1 if timezone.localdate(starts - timedelta(days=1)) == timezone.localdate() else 0
    assert cards[1]["value"] == expected


def test_the_care_jobs_are_registered():
    names = {job.name: job.task for job in periodic_jobs()}
    assert names["care_generate"] == "kefu.care.tasks.care_generate_task"
    assert names["care_notices"] == "kefu.care.tasks.notices_send_task"
