"""A calendar year at a glance, and which calendar an organisation uses."""

from datetime import date

from kefu.sla.models import BusinessCalendar
from kefu.sla.selectors import calendar_exceptions, calendar_for_unit, calendar_year, year_is_provisional


def test_the_exceptions_of_2026_are_its_holidays_and_the_spec_working_weekends(calendar):
    exceptions = calendar_exceptions(calendar, 2026)
    worked = [info.date.isoformat() for info in exceptions if info.is_workday]
    assert worked == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert len(calendar_year(calendar, 2026)) == 365


def test_a_year_without_a_published_schedule_is_provisional(calendar):
    assert not year_is_provisional(calendar, 2026)
    assert year_is_provisional(calendar, 2027)


def test_an_organisation_uses_the_calendar_of_its_nearest_unit(org):
    branch = BusinessCalendar.objects.create(name="城东日历", code="east", org_unit=org["east"])
    company = BusinessCalendar.objects.create(name="总公司日历", code="hq", org_unit=org["company"])
    assert calendar_for_unit(org["east_team"]) == branch
    assert calendar_for_unit(org["west_team"]) == company
    assert calendar_for_unit(None) is None


def test_a_lunar_festival_is_found_in_the_year_view(calendar):
    spring = [info.date for info in calendar_year(calendar, 2027) if info.name == "春节"]
    assert spring == [date(2027, 2, d) for d in range(5, 9)]
