"""Outage notices: affected customers by region, grid, line or tag; 7 and 1 days ahead by
default, each stage once even when the job runs twice; important users 24 h ahead of a temporary
outage; unplanned outages at once, then the restoration; the delivery report."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.care import services
from kefu.care.choices import NoticeKind, NoticeStatus
from kefu.care.models import LineCustomer, NoticeStage
from kefu.care.selectors import delivery_report
from kefu.care.sending import NOTICE_SOURCE
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.models import Tag
from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, OptOut


def _planned(actor, starts_at, **extra):
    return services.notice_create(
        actor=actor,
        data={"kind": NoticeKind.PLANNED, "title": "10kV线路检修", "reason": "设备检修", "area": "东区",
              "channel": Channel.SMS, "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=6),
              "grids": ["东1"], **extra},
    )  # fmt: skip


def _sent(notice):
    return Message.objects.filter(source=NOTICE_SOURCE, source_id=notice.pk)


def test_planned_notice_goes_out_7_days_and_1_day_ahead_once_each_even_when_the_job_runs_twice(supervisor, templates):
    affected = CustomerFactory(grid="东1")
    CustomerFactory(grid="西1")  # elsewhere
    now = timezone.now()
    starts = now + timedelta(days=10)
    notice = _planned(supervisor, starts)
    assert sorted(notice.stages.values_list("key", flat=True)) == ["1d", "7d"]
    assert services.notices_send_due(now=now) == 0
    seven = starts - timedelta(days=7)
    assert services.notices_send_due(now=seven) == 1
    assert services.notices_send_due(now=seven + timedelta(minutes=1)) == 0  # the job again
    assert _sent(notice).count() == 1
    one = starts - timedelta(days=1)
    assert services.notices_send_due(now=one) == 1
    assert services.notices_send_due(now=one) == 0
    assert list(_sent(notice).values_list("customer_id", flat=True)) == [affected.pk, affected.pk]
    assert _sent(notice).count() == 2  # one per stage
    assert "设备检修" in _sent(notice).first().body


def test_a_lost_claim_still_sends_no_duplicate(supervisor, templates):
    """Even if a stage's claim were undone (a restored backup, a hand edit), the outbox key per
    stage and customer queues nothing twice."""
    CustomerFactory(grid="东1")
    starts = timezone.now() + timedelta(days=10)
    notice = _planned(supervisor, starts, offsets_days=[7])
    services.notices_send_due(now=starts - timedelta(days=7))
    NoticeStage.objects.filter(notice=notice).update(sent_at=None)
    services.notices_send_due(now=starts - timedelta(days=7))
    assert _sent(notice).count() == 1


def test_offsets_are_configurable_per_notice(supervisor, templates):
    notice = _planned(supervisor, timezone.now() + timedelta(days=10), offsets_days="3, 2")
    assert sorted(notice.stages.values_list("key", flat=True)) == ["2d", "3d"]


def test_affected_customers_by_region_grid_line_or_tag(supervisor, admin_user, templates):
    by_region = CustomerFactory(region="海淀")
    by_grid = CustomerFactory(grid="东1")
    on_line = CustomerFactory(code="C-1")
    tagged = CustomerFactory()
    tag = Tag.objects.create(name="某小区")
    tagged.tags.add(tag)
    CustomerFactory(region="朝阳")
    line = services.supply_line_create(actor=admin_user, data={"code": "L-10", "name": "10kV东线"})
    services.line_customers_add(actor=admin_user, line=line, customer_codes=["C-1"])
    starts = timezone.now() + timedelta(days=2)
    notice = _planned(
        supervisor, starts, grids=["东1"], regions=["海淀"], lines=[line.pk], tags=[tag.pk], offsets_days=[1]
    )
    services.notices_send_due(now=starts - timedelta(days=1))
    assert set(_sent(notice).values_list("customer_id", flat=True)) == {
        by_region.pk,
        by_grid.pk,
        on_line.pk,
        tagged.pk,
    }


def test_important_users_are_told_24_hours_ahead_of_a_temporary_outage(supervisor, templates, green_tier):
    important = CustomerFactory(grid="东1", tier="三星")
    tagged = CustomerFactory(grid="东1")
    tagged.tags.add(Tag.objects.create(name="重要用户"))
    CustomerFactory(grid="东1", tier="一星")
    starts = timezone.now() + timedelta(days=3)
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.TEMPORARY, "title": "临时停电", "channel": Channel.SMS, "starts_at": starts,
              "grids": ["东1"], "offsets_days": "2"},
    )  # fmt: skip
    services.notices_send_due(now=starts - timedelta(days=2))  # everyone, 2 days ahead
    assert _sent(notice).count() == 3
    services.notices_send_due(now=starts - timedelta(hours=24))  # important users again, 24 h ahead
    assert set(_sent(notice).filter(idempotency_key__contains=":important").values_list("customer_id", flat=True)) == {
        important.pk,
        tagged.pk,
    }
    assert notice.stages.get(key="important").recipients == 2


def test_a_temporary_outage_defaults_to_one_day_ahead_for_everyone(supervisor, templates):
    starts = timezone.now() + timedelta(days=3)
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.TEMPORARY, "title": "临时停电", "channel": Channel.SMS, "starts_at": starts,
              "grids": ["东1"]},
    )  # fmt: skip
    assert list(notice.stages.values_list("key", "due_at")) == [("1d", starts - timedelta(days=1))]


def test_an_unplanned_outage_is_told_at_once_then_the_restoration(supervisor, templates):
    affected = CustomerFactory(grid="东1")
    now = timezone.now()
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.UNPLANNED, "title": "故障停电", "reason": "线路故障", "channel": Channel.SMS,
              "starts_at": now - timedelta(minutes=10), "ends_at": now + timedelta(hours=3), "grids": ["东1"]},
    )  # fmt: skip
    first = _sent(notice).get()
    assert first.customer_id == affected.pk and "线路故障" in first.body
    services.notice_restore(actor=supervisor, notice=notice)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESTORED
    assert _sent(notice).count() == 2
    assert "恢复供电" in _sent(notice).get(purpose="restoration_notice").body
    with pytest.raises(ConflictError):
        services.notice_restore(actor=supervisor, notice=notice)
    assert _sent(notice).count() == 2


def test_an_unplanned_outage_needs_its_reason_and_expected_restoration(supervisor, templates):
    with pytest.raises(ValidationError) as refused:
        services.notice_create(
            actor=supervisor,
            data={"kind": NoticeKind.UNPLANNED, "title": "故障停电", "channel": Channel.SMS,
                  "starts_at": timezone.now(), "grids": ["东1"]},
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"reason", "ends_at"}


def test_a_notice_must_select_someone_and_name_bad_fields(supervisor, templates):
    with pytest.raises(ValidationError) as refused:
        services.notice_create(
            actor=supervisor,
            data={"kind": NoticeKind.PLANNED, "title": "检修", "channel": Channel.SMS,
                  "starts_at": timezone.now() + timedelta(days=9)},
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"regions"}
    with pytest.raises(ValidationError) as refused:
        services.notice_create(
            actor=supervisor,
            data={"kind": "meteor", "title": "", "channel": "pigeon", "starts_at": "tomorrow", "offsets_days": "x"},
        )
    assert {"kind", "title", "channel", "starts_at", "offsets_days"} <= set(refused.value.message_dict)


def test_a_cancelled_notice_sends_no_further_stage(supervisor, templates):
    CustomerFactory(grid="东1")
    starts = timezone.now() + timedelta(days=10)
    notice = _planned(supervisor, starts)
    services.notices_send_due(now=starts - timedelta(days=7))
    services.notice_cancel(actor=supervisor, notice=notice)
    services.notices_send_due(now=starts - timedelta(days=1))
    assert _sent(notice).count() == 1
    with pytest.raises(ConflictError):
        services.notice_cancel(actor=supervisor, notice=notice)


def test_the_delivery_report_counts_sent_waiting_and_opted_out(supervisor, templates):
    CustomerFactory(grid="东1")
    quiet = CustomerFactory(grid="东1")
    OptOut.objects.create(customer=quiet, channel=Channel.SMS)
    starts = timezone.now() + timedelta(days=2)
    notice = _planned(supervisor, starts, offsets_days=[1])
    services.notices_send_due(now=starts - timedelta(days=1))
    assert _sent(notice).get(customer=quiet).state == MessageState.OPTED_OUT
    _sent(notice).exclude(customer=quiet).update(state=MessageState.SENT)
    report = delivery_report(NOTICE_SOURCE, notice.pk)
    assert (report["sent"], report["opted_out"], report["failed"], report["total"]) == (1, 1, 0, 2)
    stage = notice.stages.get()
    assert (stage.recipients, stage.opted_out) == (2, 1)


def test_an_account_manager_may_not_send_notices(manager, templates):
    with pytest.raises(PermissionDeniedError):
        _planned(manager, timezone.now() + timedelta(days=9))


def test_lines_import_from_csv_all_or_nothing(admin_user):
    CustomerFactory(code="C-1")
    CustomerFactory(code="C-2")
    good = "线路编号,线路名称,客户编号\nL-1,东线,C-1\nL-1,东线,C-2\nL-2,西线,C-2\n".encode()
    result = services.lines_import_csv(actor=admin_user, upload=SimpleUploadedFile("lines.csv", good))
    assert result == {"lines_created": 2, "customers_added": 3}
    bad = "L-3,北线,C-9\nL-3,北线\n".encode("gb18030")
    with pytest.raises(ValidationError) as refused:
        services.lines_import_csv(actor=admin_user, upload=SimpleUploadedFile("lines.csv", bad))
    assert len(refused.value.message_dict["file"]) == 2
    assert LineCustomer.objects.count() == 3


def test_a_notice_needs_the_wording_on_its_channel(supervisor, templates):
    with pytest.raises(ValidationError) as refused:
        _planned(supervisor, timezone.now() + timedelta(days=9), channel=Channel.EMAIL)
    assert set(refused.value.message_dict) == {"channel"}


def test_a_stage_whose_template_was_removed_stays_due_and_the_others_go_out(supervisor, templates):
    CustomerFactory(grid="东1")
    starts = timezone.now() + timedelta(days=10)
    first = _planned(supervisor, starts, offsets_days=[7])
    templates["outage_notice"].is_active = False
    templates["outage_notice"].save()
    assert services.notices_send_due(now=starts - timedelta(days=7)) == 0
    assert first.stages.get().sent_at is None and not _sent(first).exists()
    templates["outage_notice"].is_active = True
    templates["outage_notice"].save()
    assert services.notices_send_due(now=starts - timedelta(days=7)) == 1
    assert _sent(first).count() == 1


def test_an_announcement_still_due_when_the_outage_has_begun_is_not_sent_and_the_audit_says_so(supervisor, templates):
    from kefu.audit.models import AuditEvent

    CustomerFactory(grid="东1")
    starts = timezone.now() + timedelta(days=10)
    notice = _planned(supervisor, starts, offsets_days=[1])
    services.notices_send_due(now=starts + timedelta(hours=1))  # the job was down past the start
    assert _sent(notice).count() == 0
    assert NoticeStage.objects.get(notice=notice).sent_at is not None  # claimed: never sent later either
    assert AuditEvent.objects.filter(target_id=notice.pk, changes={"stage": ["1d", None]}).exists()
    services.notices_send_due(now=starts + timedelta(hours=2))
    assert _sent(notice).count() == 0
