"""The sales pipeline's rules: prospects through their stages and conversion, the 3-working-day
answer to a price request, campaigns and their results, targets with progress from the data,
and the named group customers' retention rate against its target."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.models import Customer, CustomerVolume
from kefu.customers.tests.factories import CustomerFactory
from kefu.sales import selectors, services
from kefu.sales.models import CampaignEntry, NamedGroupCustomer, Prospect
from kefu.sales.tests.factories import NamedGroupCustomerFactory, ProspectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


# ---- prospects


def test_manager_adds_a_prospect_they_own_audited(manager):
    prospect = services.prospect_create(actor=manager, data={"name": "华新建材", "source": "referral"})
    assert prospect.owner == manager and prospect.stage == "lead"
    assert AuditEvent.objects.filter(target_type="sales.prospect", target_id=prospect.pk, action="created").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": ""}, "name"), ({"source": "rumour"}, "source"), ({"expected_revenue": "lots"}, "expected_revenue")],
)
def test_bad_prospect_field_refused_naming_it(manager, data, field):
    with pytest.raises(ValidationError) as refused:
        services.prospect_create(actor=manager, data={"name": "华新建材", "source": "referral", **data})
    assert field in refused.value.message_dict and not Prospect.objects.exists()


def test_manager_cannot_give_a_prospect_to_a_manager_outside_their_reach(manager, other_manager):
    with pytest.raises(ValidationError) as refused:
        services.prospect_create(actor=manager, data={"name": "华新", "source": "other"}, owner=other_manager)
    assert "owner" in refused.value.message_dict


def test_supervisor_gives_a_prospect_to_a_manager_of_their_subtree(supervisor, manager):
    prospect = services.prospect_create(actor=supervisor, data={"name": "华新", "source": "other"}, owner=manager)
    assert prospect.owner == manager
    assert selectors.prospects_visible_to(manager).filter(pk=prospect.pk).exists()


def test_prospects_are_seen_by_owner_and_their_supervisors_only(manager, other_manager, supervisor, agent):
    prospect = ProspectFactory(created_by=manager)
    assert list(selectors.prospects_visible_to(manager)) == [prospect]
    assert list(selectors.prospects_visible_to(supervisor)) == [prospect]
    assert not selectors.prospects_visible_to(other_manager).exists()
    assert not selectors.prospects_visible_to(agent).exists()  # no sales.view


def test_prospect_moves_through_stages_and_lost_needs_a_reason(manager):
    prospect = ProspectFactory(created_by=manager)
    prospect = services.prospect_move(actor=manager, prospect=prospect, stage="contacted")
    with pytest.raises(ValidationError) as refused:
        services.prospect_move(actor=manager, prospect=prospect, stage="lost")
    assert "lost_reason" in refused.value.message_dict
    prospect = services.prospect_move(actor=manager, prospect=prospect, stage="lost", lost_reason="价格不合适")
    assert prospect.stage == "lost" and prospect.lost_reason == "价格不合适"
    with pytest.raises(ConflictError):
        services.prospect_move(actor=manager, prospect=prospect, stage="lead")


def test_won_is_reached_only_by_conversion(manager):
    prospect = ProspectFactory(created_by=manager)
    with pytest.raises(ValidationError) as refused:
        services.prospect_move(actor=manager, prospect=prospect, stage="won")
    assert "stage" in refused.value.message_dict


def test_conversion_creates_the_customer_through_the_archive_and_wins_the_prospect(manager):
    prospect = ProspectFactory(created_by=manager, name="华新建材", industry="建材", source="campaign")
    customer = services.prospect_convert(actor=manager, prospect=prospect, data={"mobile": "13912345678"})
    prospect.refresh_from_db()
    assert prospect.stage == "won" and prospect.customer == customer and prospect.won_at is not None
    assert customer.name == "华新建材" and customer.account_manager == manager and customer.industry == "建材"
    assert customer.source_channel == "marketing"
    # the archive audited the customer's creation, the sales app the prospect's win
    assert AuditEvent.objects.filter(target_type="customers.customer", target_id=customer.pk).exists()
    assert AuditEvent.objects.filter(target_type="sales.prospect", customer_id=customer.pk).exists()


def test_conversion_refused_by_the_archive_leaves_the_prospect_open(manager):
    CustomerFactory(mobile="13912345678")
    prospect = ProspectFactory(created_by=manager)
    with pytest.raises(ValidationError) as refused:
        services.prospect_convert(actor=manager, prospect=prospect, data={"mobile": "13912345678"})
    assert "mobile" in refused.value.message_dict
    prospect.refresh_from_db()
    assert prospect.stage == "lead" and prospect.customer is None
    assert Customer.objects.count() == 1


def test_another_managers_prospect_cannot_be_converted(manager, other_manager):
    prospect = ProspectFactory(created_by=other_manager)
    with pytest.raises(PermissionDeniedError):
        services.prospect_convert(actor=manager, prospect=prospect, data={})


# ---- price requests: answered in writing within 3 working days


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_price_request_received_on_friday_is_due_wednesday_close_of_business(manager, own_customer):
    # Friday 6 November 2026: Saturday and Sunday do not count; Mon 9, Tue 10, Wed 11.
    request = services.price_request_create(
        actor=manager, customer=own_customer, data={"subject": "年度运价", "received_at": _at(2026, 11, 6, 10, 0)}
    )
    assert request.due_at == _at(2026, 11, 11, 17, 30) and request.owner == manager
    assert not request.due_provisional


def test_price_request_before_the_national_day_holiday_skips_it_and_counts_the_worked_saturday(manager, own_customer):
    # Wednesday 30 September 2026: 1–7 October off, 8 and 9 worked, Saturday 10 October worked (调休).
    request = services.price_request_create(
        actor=manager, customer=own_customer, data={"subject": "专线报价", "received_at": _at(2026, 9, 30, 16, 0)}
    )
    assert request.due_at == _at(2026, 10, 10, 17, 30)


def test_unanswered_past_due_is_overdue_and_a_late_answer_stays_marked(manager, own_customer):
    request = services.price_request_create(
        actor=manager, customer=own_customer, data={"subject": "年度运价", "received_at": _at(2026, 11, 6, 10, 0)}
    )
    overdue = selectors.price_request_list(manager, state="overdue", now=_at(2026, 11, 11, 17, 31))
    assert list(overdue) == [request]
    assert not selectors.price_request_list(manager, state="overdue", now=_at(2026, 11, 11, 17, 29)).exists()
    answered = services.price_request_answer(actor=manager, request=request, answer="按协议价九五折")
    assert answered.answered_late  # answered now, after the deadline of 11 November 2026
    assert list(selectors.price_request_list(manager, state="late")) == [answered]
    with pytest.raises(ConflictError):
        services.price_request_answer(actor=manager, request=request, answer="again")


def test_price_request_for_a_customer_outside_scope_is_refused(manager, foreign_customer):
    with pytest.raises(ValidationError) as refused:
        services.price_request_create(actor=manager, customer=foreign_customer, data={"subject": "运价"})
    assert "customer" in refused.value.message_dict


def test_price_request_goes_to_the_customers_manager_when_an_agent_supervisor_registers_it(
    supervisor, manager, own_customer
):
    request = services.price_request_create(actor=supervisor, customer=own_customer, data={"subject": "运价"})
    assert request.owner == manager
    assert list(selectors.price_request_list(manager)) == [request]


# ---- campaigns


def test_campaign_list_goes_to_each_customers_manager_and_results_are_counted(
    supervisor, manager, own_customer, foreign_customer
):
    second = CustomerFactory(account_manager=manager, org_unit=own_customer.org_unit)
    prospect = ProspectFactory(created_by=manager)
    campaign = services.campaign_create(
        actor=supervisor,
        data={"name": "春季转化", "kind": "conversion", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        customers=[own_customer.pk, second.pk],
        prospects=[prospect.pk],
    )
    entries = CampaignEntry.objects.filter(campaign=campaign)
    assert {entry.assignee_id for entry in entries} == {manager.pk}
    entry = entries.get(customer=own_customer)
    services.campaign_entry_record(actor=manager, entry=entry, result="interested", note="下周报价")
    results = selectors.campaign_results(campaign)
    assert results["interested"] == 1 and results["pending"] == 2 and results["total"] == 3
    assert selectors.campaigns_visible_to(manager).filter(pk=campaign.pk).exists()


def test_campaign_refuses_customers_outside_the_makers_scope(supervisor, foreign_customer):
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(
            actor=supervisor,
            data={"name": "外呼", "kind": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
            customers=[foreign_customer.pk],
        )
    assert "customers" in refused.value.message_dict


def test_manager_records_only_their_own_entries(supervisor, manager, other_manager, own_customer, admin_user):
    foreign = CustomerFactory(account_manager=other_manager)
    campaign = services.campaign_create(
        actor=admin_user,
        data={"name": "外呼", "kind": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        customers=[own_customer.pk, foreign.pk],
    )
    theirs = CampaignEntry.objects.get(campaign=campaign, customer=foreign)
    with pytest.raises(PermissionDeniedError):
        services.campaign_entry_record(actor=manager, entry=theirs, result="reached")


# ---- targets and progress


def test_new_customer_target_progress_counts_conversions_in_the_period(supervisor, manager, org):
    target = services.target_set(
        actor=supervisor,
        data={"metric": "new_customers", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "4"},
        manager=manager,
    )
    for when in (_at(2026, 3, 1, 9), _at(2026, 7, 1, 9), _at(2025, 12, 31, 23)):
        ProspectFactory(created_by=manager, stage="won", won_at=when)
    ProspectFactory(created_by=manager, stage="lost")
    progress = selectors.target_progress(target)
    assert progress["actual"] == 2 and progress["share"] == Decimal("50.0") and not progress["met"]
    team_target = services.target_set(
        actor=supervisor,
        data={"metric": "new_customers", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "2"},
        org_unit=org["east"],
    )
    assert selectors.target_progress(team_target)["met"]


def test_revenue_target_progress_sums_the_months_of_the_period(supervisor, manager, own_customer, foreign_customer):
    for period, revenue in ((date(2026, 1, 1), "1000"), (date(2026, 3, 1), "500.50"), (date(2026, 4, 1), "9999")):
        CustomerVolume.objects.create(customer=own_customer, period=period, revenue=Decimal(revenue))
    CustomerVolume.objects.create(customer=foreign_customer, period=date(2026, 2, 1), revenue=Decimal("7777"))
    target = services.target_set(
        actor=supervisor,
        data={"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-03-31", "value": "3000"},
        manager=manager,
    )
    assert selectors.target_actual(target) == Decimal("1500.50")


def test_setting_a_target_twice_changes_the_one_target(supervisor, manager):
    data = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-03-31", "value": "3000"}
    first = services.target_set(actor=supervisor, data=data, manager=manager)
    second = services.target_set(actor=supervisor, data={**data, "value": "3500"}, manager=manager)
    assert first.pk == second.pk and second.value == Decimal("3500.00")


def test_target_for_a_manager_outside_the_supervisors_subtree_is_refused(supervisor, other_manager, org):
    data = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-03-31", "value": "3000"}
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=supervisor, data=data, manager=other_manager)
    assert "manager" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=supervisor, data=data, org_unit=org["west"])
    assert "org_unit" in refused.value.message_dict


def test_manager_may_not_set_targets(manager):
    data = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-03-31", "value": "3000"}
    with pytest.raises(PermissionDeniedError):
        services.target_set(actor=manager, data=data, manager=manager)


# ---- named group customers' retention


def test_retention_rate_computed_by_hand_against_the_92_percent_target(admin_user, manager):
    # 25 named group customers for 2026; 2 lost by 30 June, 1 more lost in November.
    named = [NamedGroupCustomerFactory(customer=CustomerFactory(), listed_by=admin_user) for _ in range(25)]
    for row, day in ((named[0], date(2026, 2, 1)), (named[1], date(2026, 6, 30)), (named[2], date(2026, 11, 5))):
        row.lost_on, row.lost_reason = day, "转网"
        row.save()
    mid_year = selectors.named_retention_for_user(admin_user, 2026, today=date(2026, 6, 30))
    assert (mid_year.listed, mid_year.lost) == (25, 2)
    assert mid_year.rate == Decimal("92.00") and mid_year.met  # 23 / 25 = 92 %
    year_end = selectors.named_retention_for_user(admin_user, 2026, today=date(2027, 3, 1))
    assert year_end.rate == Decimal("88.00") and not year_end.met  # 22 / 25


def test_a_company_retention_target_replaces_the_standing_92(admin_user, org):
    services.target_set(
        actor=admin_user,
        data={"metric": "retention", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "95"},
        org_unit=org["company"],
    )
    assert selectors.named_retention_for_user(admin_user, 2026).target == Decimal("95.00")
    assert selectors.named_retention_for_user(admin_user, 2025).target == Decimal("92")


def test_named_list_add_is_idempotent_and_lost_needs_a_reason(admin_user, own_customer):
    own_customer.kind = "organisation"
    own_customer.save()
    assert services.named_customers_add(actor=admin_user, year=2026, customers=[own_customer.pk]) == 1
    assert services.named_customers_add(actor=admin_user, year=2026, customers=[own_customer.pk]) == 0
    named = NamedGroupCustomer.objects.get()
    with pytest.raises(ValidationError) as refused:
        services.named_customer_mark_lost(actor=admin_user, named=named, lost_on="2026-03-01", reason="")
    assert "lost_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.named_customer_mark_lost(actor=admin_user, named=named, lost_on="2025-03-01", reason="转网")
    assert "lost_on" in refused.value.message_dict


def test_only_organisations_go_on_the_named_list(admin_user, own_customer):
    with pytest.raises(ValidationError) as refused:
        services.named_customers_add(actor=admin_user, year=2026, customers=[own_customer.pk])  # an individual
    assert "customers" in refused.value.message_dict and not NamedGroupCustomer.objects.exists()


def test_retention_target_progress_for_a_manager_uses_their_named_customers(admin_user, manager, own_customer):
    NamedGroupCustomerFactory(customer=own_customer, listed_by=admin_user, lost_on=date(2026, 2, 1))
    NamedGroupCustomerFactory(customer=CustomerFactory(account_manager=manager), listed_by=admin_user)
    NamedGroupCustomerFactory(customer=CustomerFactory(), listed_by=admin_user)  # not theirs
    target = services.target_set(
        actor=admin_user,
        data={"metric": "retention", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "92"},
        manager=manager,
    )
    assert selectors.target_actual(target, today=date(2026, 12, 31)) == Decimal("50.00")


def test_supervisor_removes_a_target_of_their_subtree_only_audited(supervisor, manager, admin_user, org):
    data = {"metric": "revenue", "period_start": "2026-01-01", "period_end": "2026-12-31", "value": "1000"}
    theirs = services.target_set(actor=supervisor, data=data, manager=manager)
    west = services.target_set(actor=admin_user, data=data, org_unit=org["west"])
    services.target_delete(actor=supervisor, target=theirs)
    assert AuditEvent.objects.filter(target_type="sales.salestarget", target_id=theirs.pk, action="deleted").exists()
    with pytest.raises(PermissionDeniedError):
        services.target_delete(actor=supervisor, target=west)
    assert list(selectors.targets_visible_to(admin_user)) == [west]
