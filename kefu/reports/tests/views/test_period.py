"""The report period from the query string: a date that is not one, or that no local day can
hold, is refused with a message on the page (was a 500), never passed to the database."""

import pytest
from django.urls import reverse

from kefu.conftest import caller
from kefu.reports.selectors import default_period

BAD_DATES = [("since", "abc"), ("until", "9999-99-99"), ("since", "0001-01-01"), ("until", "99999-01-01")]
LABELS = {"since": "起始日期", "until": "截止日期"}  # the message names the refused field in Chinese


@pytest.mark.parametrize(("name", "value"), BAD_DATES)
def test_a_bad_report_date_is_refused_with_a_message_and_the_default_period_shown(name, value, auditor):
    response = caller(auditor).get(reverse("reports:complaints"), {name: value})
    assert response.status_code == 200
    [error] = response.context["filter_errors"]
    assert error.startswith(LABELS[name]) and error in response.content.decode()
    assert response.context["stats"]["period"] == default_period()


@pytest.mark.parametrize(("name", "value"), BAD_DATES)
def test_exporting_a_bad_period_goes_back_to_the_report_page_which_says_why(name, value, auditor):
    response = caller(auditor).get(reverse("reports:complaints_export"), {name: value})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reports:complaints"))


def test_a_period_in_range_is_used(auditor):
    response = caller(auditor).get(reverse("reports:complaints"), {"since": "2026-01-01", "until": "2026-03-31"})
    period = response.context["stats"]["period"]
    assert (str(period.since), str(period.until), response.context["filter_errors"]) == ("2026-01-01", "2026-03-31", [])
