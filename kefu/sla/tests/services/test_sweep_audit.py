"""The sweep's escalations are in the audit trail, as every other change to a request."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.sla.choices import TimeUnit
from kefu.sla.models import SlaPolicy
from kefu.sla.services import default_calendar
from kefu.sla.timers import sla_sweep
from kefu.tickets import services
from kefu.tickets.tests.factories import install_workflows

TZ = timezone.get_current_timezone()


def test_each_escalation_is_an_audit_entry_without_an_actor(agent, own_customer, monkeypatch):
    install_workflows()
    SlaPolicy.objects.create(
        name="投诉", ticket_type="complaint", calendar=default_calendar(), resolution=1,
        resolution_unit=TimeUnit.CALENDAR_HOURS, escalate_every_hours=24,
    )  # fmt: skip
    registered = datetime.combine(date(2026, 3, 2), time(9), tzinfo=TZ)
    monkeypatch.setattr(timezone, "now", lambda: registered)
    data = {"ticket_type": "complaint", "channel": "phone", "title": "频繁停电", "description": "一周停电三次"}
    tickets = [services.ticket_create(actor=agent, data=data, customer=own_customer)[0] for _ in range(2)]
    sla_sweep(now=registered + timedelta(hours=2))  # breached
    assert sla_sweep(now=registered + timedelta(hours=27)).escalated == 2
    entries = AuditEvent.objects.filter(target_type="tickets.ticket", summary="已升级").order_by("target_id")
    assert [(e.target_id, e.actor_id, e.customer_id) for e in entries] == [
        (ticket.pk, None, own_customer.pk) for ticket in tickets
    ]
    assert entries[0].target_repr == str(tickets[0])
