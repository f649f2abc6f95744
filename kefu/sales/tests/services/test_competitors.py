"""Competitor records: recorded and read only for customers whose business file one may read,
every field checked naming it, every change audited, and the churn warning's per-customer signal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.sales import selectors
from kefu.sales.models import CompetitorRecord
from kefu.sales.services import competitor_record_create, competitor_record_delete, competitor_record_update
from kefu.sales.tests.factories import CompetitorRecordFactory

OFFER = {
    "competitor": "顺达物流",
    "offer": "首年运费八五折",
    "price": "1200.50",
    "price_unit": "元/吨",
    "products": "京沪线",
}


def test_manager_records_a_competitor_offer_for_own_customer_audited(manager, own_customer):
    record = competitor_record_create(actor=manager, customer=own_customer, data=OFFER)
    assert record.price == Decimal("1200.50")
    assert record.noted_on == timezone.localdate()
    event = AuditEvent.objects.get(target_type="sales.competitorrecord", target_id=record.pk)
    assert event.customer_id == own_customer.pk and event.changes["competitor"] == [None, "顺达物流"]


def test_record_for_a_customer_outside_scope_is_refused(manager, foreign_customer):
    with pytest.raises(PermissionDeniedError):
        competitor_record_create(actor=manager, customer=foreign_customer, data=OFFER)
    assert not CompetitorRecord.objects.exists()


def test_agent_may_not_record_nor_read_competitor_records(agent, own_customer, manager):
    CompetitorRecordFactory(customer=own_customer, recorded_by=manager)
    with pytest.raises(PermissionDeniedError):
        competitor_record_create(actor=agent, customer=own_customer, data=OFFER)
    assert not selectors.competitor_records_visible_to(agent).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"competitor": ""}, "competitor"),
        ({"competitor": "x" * 101}, "competitor"),
        ({"price": "abc"}, "price"),
        ({"price": "-3"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "1e20"}, "price"),
        ({"visited_on": "2026-13-40"}, "visited_on"),
        ({"visited_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "visited_on"),
        ({"noted_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "noted_on"),
        ({"competitor": "顺达\u202e物流"}, "competitor"),
        ({"visit_notes": "来访谈价"}, "visited_on"),
    ],
)
def test_bad_field_refused_naming_it_nothing_written(manager, own_customer, data, field):
    with pytest.raises(ValidationError) as refused:
        competitor_record_create(actor=manager, customer=own_customer, data={**OFFER, **data})
    assert field in refused.value.message_dict
    assert not CompetitorRecord.objects.exists() and not AuditEvent.objects.exists()


def test_a_record_needs_some_information_besides_the_name(manager, own_customer):
    with pytest.raises(ValidationError) as refused:
        competitor_record_create(actor=manager, customer=own_customer, data={"competitor": "顺达物流"})
    assert "offer" in refused.value.message_dict


def test_a_competitor_visit_alone_is_a_record(manager, own_customer):
    day = timezone.localdate() - timedelta(days=3)
    data = {"competitor": "顺达物流", "visited_on": day, "visit_notes": "拜访采购"}
    record = competitor_record_create(actor=manager, customer=own_customer, data=data)
    assert record.visited_on == day


def test_update_audits_the_changed_fields_and_refuses_a_stale_version(manager, own_customer):
    record = competitor_record_create(actor=manager, customer=own_customer, data=OFFER)
    changed = competitor_record_update(actor=manager, record=record, data={"price": "1100"}, expected_version=1)
    assert changed.price == Decimal("1100.00") and changed.version == 2
    event = AuditEvent.objects.filter(target_id=record.pk, action="updated").get()
    assert event.changes == {"price": ["1200.50", "1100.00"]}
    with pytest.raises(ConflictError):
        competitor_record_update(actor=manager, record=record, data={"price": "1000"}, expected_version=1)


def test_other_manager_cannot_change_or_delete(manager, other_manager, own_customer):
    record = competitor_record_create(actor=manager, customer=own_customer, data=OFFER)
    with pytest.raises(PermissionDeniedError):
        competitor_record_update(actor=other_manager, record=record, data={"price": "1"})
    with pytest.raises(PermissionDeniedError):
        competitor_record_delete(actor=other_manager, record=record)
    assert CompetitorRecord.objects.filter(pk=record.pk, price=Decimal("1200.50")).exists()


def test_delete_is_audited_with_what_was_there(supervisor, manager, own_customer):
    record = competitor_record_create(actor=manager, customer=own_customer, data=OFFER)
    competitor_record_delete(actor=supervisor, record=record)
    assert not CompetitorRecord.objects.exists()
    event = AuditEvent.objects.get(action="deleted", target_id=record.pk)
    assert event.changes["competitor"] == ["顺达物流", None]


def test_competitor_activity_counts_recent_records_and_visits_per_customer(manager, own_customer, foreign_customer):
    today = timezone.localdate()
    CompetitorRecordFactory(customer=own_customer, recorded_by=manager, noted_on=today - timedelta(days=5))
    CompetitorRecordFactory(customer=own_customer, recorded_by=manager, noted_on=today - timedelta(days=1))
    # learned long ago, but their visit was recent: counts
    CompetitorRecordFactory(
        customer=foreign_customer, recorded_by=manager, noted_on=today - timedelta(days=400), visited_on=today
    )
    CompetitorRecordFactory(customer=foreign_customer, recorded_by=manager, noted_on=today - timedelta(days=400))
    rows = {row["customer_id"]: row for row in selectors.competitor_activity(today - timedelta(days=90))}
    assert rows[own_customer.pk]["records"] == 2 and rows[own_customer.pk]["last_seen"] == today - timedelta(days=1)
    assert rows[foreign_customer.pk]["records"] == 1
    sql, _params = selectors.competitor_activity(today).query.sql_with_params()
    assert "sales_competitorrecord" in sql
