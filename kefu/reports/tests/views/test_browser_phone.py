"""The complaint report on a phone: its period form (two dates and a button) fits the screen."""

import pytest

from kefu.core.testing.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_complaint_report_fits_a_phone(browser, live_server, supervisor):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, supervisor.username)
    page.goto(f"{live_server.url}/reports/complaints/")
    # The dates' natural width pushed the button 48 px past the edge of a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-complaint-report")
    context.close()
