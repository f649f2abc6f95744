"""The Django admin keeps calendars through the services: audited, cache-expiring, all-or-nothing."""

from datetime import date

import pytest
from django.urls import reverse

from kefu.audit.models import AuditEvent
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.sla import calendar as cal
from kefu.sla.models import CalendarDay
from kefu.sla.services import calendar_day_set


@pytest.fixture
def root(client_for, org):
    user = UserFactory(username="root", role=Role.ADMIN, org_unit=org["company"], is_staff=True, is_superuser=True)
    return client_for(user), user


def test_calendar_days_list_filters_by_year_source_and_working_day(calendar, root):
    client, user = root
    calendar_day_set(actor=user, calendar=calendar, day=date(2027, 2, 20), is_workday=True, name="春节调休上班")
    url = reverse("admin:sla_calendarday_changelist")
    page = client.get(url, {"year": "2027", "source__exact": "official", "is_workday__exact": "1"})
    assert page.status_code == 200 and "春节调休上班" in page.content.decode()
    assert "春节调休上班" not in client.get(url, {"year": "2026"}).content.decode()


def test_calendar_page_shows_the_schedule_status_and_the_import_link(calendar, root):
    client, _user = root
    page = client.get(reverse("admin:sla_businesscalendar_change", args=[calendar.pk])).content.decode()
    assert reverse("admin:sla_businesscalendar_import", args=[calendar.pk]) in page


def test_adding_a_day_in_the_admin_is_audited_and_expires_the_cache(calendar, root):
    client, user = root
    assert cal.is_workday(calendar, date(2026, 3, 3))
    data = {"calendar": calendar.pk, "date": "2026-03-03", "is_workday": "", "name": "停电检修", "source": "local"}
    response = client.post(reverse("admin:sla_calendarday_add"), data)
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert not cal.is_workday(calendar, date(2026, 3, 3))
    assert AuditEvent.objects.get(target_type="sla.calendarday").actor == user


def test_deleting_days_in_the_admin_is_audited(calendar, root):
    client, user = root
    entry = calendar_day_set(actor=user, calendar=calendar, day=date(2026, 3, 3), is_workday=False)
    data = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post(reverse("admin:sla_calendarday_changelist"), data)
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action="deleted", target_type="sla.calendarday").count() == 1


def test_import_page_shows_every_bad_line_and_saves_nothing(calendar, root):
    client, _user = root
    url = reverse("admin:sla_businesscalendar_import", args=[calendar.pk])
    page = client.post(url, {"text": "2027-02-30,休,春节\n2027-02-20,也许,调休\n", "source": "official"})
    body = page.content.decode()
    assert page.status_code == 200 and "2027-02-30" in body and "也许" in body
    assert not CalendarDay.objects.exists()


def test_import_page_saves_a_good_schedule(calendar, root):
    client, user = root
    url = reverse("admin:sla_businesscalendar_import", args=[calendar.pk])
    response = client.post(url, {"text": "2027-02-05~2027-02-11,休,春节\n2027-02-20,班,调休\n", "source": "official"})
    assert response.status_code == 302
    assert CalendarDay.objects.count() == 8
    assert AuditEvent.objects.get(action="imported").actor == user


def test_staff_without_permission_cannot_import(calendar, client_for, org):
    clerk = UserFactory(username="clerk", role=Role.AGENT, org_unit=org["company"], is_staff=True)
    url = reverse("admin:sla_businesscalendar_import", args=[calendar.pk])
    assert client_for(clerk).post(url, {"text": "2027-02-20,班,调休\n"}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_days_edited_inline_on_the_calendar_go_through_the_services(calendar, root):
    client, user = root
    entry = calendar_day_set(actor=user, calendar=calendar, day=date(2026, 3, 3), is_workday=False, name="停电")
    data = {
        "name": calendar.name, "code": calendar.code, "org_unit": "", "time_zone": "Asia/Shanghai",
        "work_start": "08:30", "work_end": "17:30", "lunch_start": "12:00", "lunch_end": "13:30",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "1", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-id": entry.pk, "days-0-calendar": calendar.pk, "days-0-date": "2026-03-04", "days-0-name": "停电",
        "days-0-source": "local",
        "days-1-calendar": calendar.pk, "days-1-date": "2026-03-05", "days-1-is_workday": "", "days-1-name": "检修",
        "days-1-source": "local",
    }  # fmt: skip
    response = client.post(reverse("admin:sla_businesscalendar_change", args=[calendar.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == [date(2026, 3, 4), date(2026, 3, 5)]
    calendar.refresh_from_db()
    assert cal.is_workday(calendar, date(2026, 3, 3)) and not cal.is_workday(calendar, date(2026, 3, 4))
    actions = list(AuditEvent.objects.filter(target_type="sla.calendarday").values_list("action", flat=True))
    assert sorted(actions) == ["created", "created", "created", "deleted"]


def test_a_policys_customer_tier_is_picked_from_the_tiers(calendar, root):
    """A typed tier code that matches no tier would never apply; the admin offers the tier rows."""
    from kefu.sla.models import SlaPolicy

    client, _user = root
    form = client.get(reverse("admin:sla_slapolicy_add")).context["adminform"].form
    assert list(form.fields["customer_tier"].choices)[:4] == [
        ("", "不限等级"),
        ("三星", "三星"),
        ("二星", "二星"),
        ("一星", "一星"),
    ]
    data = {
        "name": "大客户投诉", "ticket_type": "complaint", "priority": "", "channel": "", "calendar": calendar.pk,
        "first_response_unit": "calendar_hours", "arrival_unit": "calendar_minutes", "resolution": 2,
        "resolution_unit": "working_days", "warn_at_percent": 75, "escalate_every_hours": 24, "is_active": "on",
    }  # fmt: skip
    refused = client.post(reverse("admin:sla_slapolicy_add"), {**data, "customer_tier": "五星"})
    assert refused.status_code == 200 and "customer_tier" in refused.context["adminform"].form.errors
    assert client.post(reverse("admin:sla_slapolicy_add"), {**data, "customer_tier": "三星"}).status_code == 302
    assert SlaPolicy.objects.get(name="大客户投诉").customer_tier == "三星"
