"""The workflow editor at a desktop's width: a step's row stays one line of fields high."""

import pytest
from django.urls import reverse

from kefu.core.testing.browser import log_in, screenshot
from kefu.tickets.models import Workflow
from kefu.tickets.tests.factories import install_workflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_workflow_editor_lists_a_steps_required_fields_on_readable_lines(browser, live_server, admin_user):
    install_workflows()
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    workflow = Workflow.objects.filter(transitions__isnull=False).first()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, live_server, admin_user.username)
    page.goto(live_server.url + reverse("admin:tickets_workflow_change", args=[workflow.pk]))
    # The ticked list was squeezed to one character per line: each step's row was 500 px tall.
    cell = page.locator("td.field-required_fields").first
    assert cell.bounding_box()["height"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    screenshot(page, "admin-workflow-editor")
    context.close()
