"""What the callbacks and visits add to other pages: the customer 360 timeline, the workbench
card, the admin's rule screen."""

import pytest
from django.urls import reverse

from kefu.callbacks import services
from kefu.callbacks.models import Callback

pytestmark = pytest.mark.django_db


def test_a_callback_result_is_on_the_customers_timeline(complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    services.callback_record(actor=agent, callback=task, result="unsatisfied", comment="赔偿没有落实")
    page = client_for(agent).get(reverse("customers:detail", args=[task.customer_id])).content.decode()
    assert "回访：不满意" in page and "赔偿没有落实" in page


def test_the_workbench_counts_the_callbacks_due_today(at, agent, supervisor, own_customer, client_for):
    from kefu.tickets.tests.factories import TicketFactory, walk_to_callback

    at("2026-03-03", 10, 0)
    walk_to_callback(TicketFactory(owner=agent, customer=own_customer), agent, supervisor)
    at("2026-03-06", 9, 0)  # due today at 10:00
    page = client_for(agent).get(reverse("workbench")).content.decode()
    assert "今日应回访" in page


def test_the_admin_edits_callback_rules(admin_user, client_for):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    page = client_for(admin_user).get(reverse("admin:callbacks_callbackrule_add"))
    assert page.status_code == 200 and "免打扰时段" in page.content.decode()
