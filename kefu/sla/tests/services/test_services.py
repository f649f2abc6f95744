"""Entering and importing calendar days: audited, all-or-nothing, and expiring cached tables."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.audit.models import AuditEvent
from kefu.sla import calendar as cal
from kefu.sla.choices import DaySource
from kefu.sla.models import BusinessCalendar, CalendarDay
from kefu.sla.services import (
    calendar_day_delete,
    calendar_day_set,
    calendar_save,
    calendar_schedule_import,
)


def test_import_of_official_schedule_reports_bad_rows_and_writes_nothing(calendar, admin_user):
    text = "日期,是否上班,名称\n2027-02-06,休,春节\n2027-02-20,maybe,调休\nnot-a-date,班,x\n2027-02-06,班,重复\n"
    with pytest.raises(ValidationError) as error:
        calendar_schedule_import(actor=admin_user, calendar=calendar, text=text)
    messages = error.value.messages
    assert len(messages) == 3
    assert "3" in messages[0] and "maybe" in messages[0]
    assert "4" in messages[1] and "not-a-date" in messages[1]
    assert "5" in messages[2] and "2027-02-06" in messages[2]  # given twice
    assert not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(target_type="sla.businesscalendar").exists()


def test_import_reads_ranges_as_the_notice_writes_them(calendar, admin_user):
    text = "# 2027 春节\n2027-02-05~2027-02-11,休,春节\n2027年2月20日,班,春节调休上班\n"
    assert calendar_schedule_import(actor=admin_user, calendar=calendar, text=text) == 8
    assert CalendarDay.objects.filter(is_workday=False, name="春节").count() == 7
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).source == DaySource.OFFICIAL


def test_a_range_longer_than_a_month_is_a_typo(calendar, admin_user):
    with pytest.raises(ValidationError):
        calendar_schedule_import(actor=admin_user, calendar=calendar, text="2027-02-05~2027-12-11,休,春节\n")


def test_import_replaces_earlier_entries_and_records_what_changed(calendar, admin_user):
    calendar_day_set(actor=admin_user, calendar=calendar, day=date(2027, 2, 20), is_workday=False, name="猜测")
    calendar_schedule_import(actor=admin_user, calendar=calendar, text="2027-02-20,班,春节调休上班\n2027-02-21,休,\n")
    assert CalendarDay.objects.get(date=date(2027, 2, 20)).is_workday
    event = AuditEvent.objects.get(action="imported")
    assert event.changes["2027-02-20"] == [[False, "猜测"], [True, "春节调休上班"]]
    assert event.changes["2027-02-21"] == [None, [False, ""]]


def test_setting_a_day_is_audited_with_before_and_after(calendar, admin_user):
    calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False, name="停电")
    calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False, name="停电检修")
    created, updated = AuditEvent.objects.filter(target_type="sla.calendarday").order_by("id")
    assert (created.action, created.actor) == ("created", admin_user)
    assert updated.changes == {"name": ["停电", "停电检修"]}


def test_a_failed_write_leaves_neither_the_day_nor_its_audit_event(calendar, admin_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False)
        raise RuntimeError
    assert not CalendarDay.objects.exists() and not AuditEvent.objects.exists()


def test_deleting_an_override_falls_back_to_the_library(calendar, admin_user):
    entry = calendar_day_set(actor=admin_user, calendar=calendar, day=date(2026, 3, 2), is_workday=False)
    assert not cal.is_workday(calendar, date(2026, 3, 2))
    calendar_day_delete(actor=admin_user, entry=entry)
    calendar.refresh_from_db()
    assert cal.is_workday(calendar, date(2026, 3, 2))
    assert AuditEvent.objects.filter(action="deleted", target_type="sla.calendarday").exists()


def test_working_hours_must_be_one_span_with_the_lunch_break_inside(calendar, admin_user):
    calendar.lunch_start, calendar.lunch_end = time(18, 0), time(19, 0)
    with pytest.raises(ValidationError) as error:
        calendar_save(actor=admin_user, calendar=calendar)
    assert "lunch_start" in error.value.message_dict


def test_an_unknown_time_zone_is_refused(admin_user):
    with pytest.raises(ValidationError) as error:
        calendar_save(actor=admin_user, calendar=BusinessCalendar(name="X", code="x", time_zone="Mars/Olympus"))
    assert "time_zone" in error.value.message_dict


def test_changing_working_hours_is_audited(calendar, admin_user):
    calendar.work_end = time(18, 0)
    calendar_save(actor=admin_user, calendar=calendar)
    event = AuditEvent.objects.get(target_type="sla.businesscalendar")
    assert event.changes == {"work_end": ["17:30:00", "18:00:00"]}


def test_the_2026_notice_as_docs_calendar_md_shows_it_agrees_with_the_library(db, admin_user):
    """The example in docs/calendar.md is the real notice: entered by hand, it changes no day."""
    from pathlib import Path

    from django.conf import settings

    doc = (Path(settings.BASE_DIR) / "docs" / "calendar.md").read_text(encoding="utf-8")
    notice = doc.split("# 国务院办公厅关于2026年部分节假日安排的通知")[1].split("```")[0]
    library = BusinessCalendar.objects.create(name="library", code="library")
    entered = BusinessCalendar.objects.create(name="entered", code="entered")
    assert calendar_schedule_import(actor=admin_user, calendar=entered, text=notice) == 39
    days = [info.date for info in cal._year_table(library, 2026).values()]
    assert [cal.is_workday(entered, d) for d in days] == [cal.is_workday(library, d) for d in days]
