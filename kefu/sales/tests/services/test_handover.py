"""A leaving manager's open sales work reaches whoever takes over, audited; finished work stays."""

from kefu.accountmanagers.handover import _providers
from kefu.audit.models import AuditEvent
from kefu.customers.tests.factories import CustomerFactory
from kefu.sales import services
from kefu.sales.models import CampaignEntry, PriceRequest, Prospect
from kefu.sales.services.handover import hand_over_sales
from kefu.sales.tests.factories import ProspectFactory


def test_sales_registers_its_handover_provider():
    assert _providers["sales"] is hand_over_sales


def test_open_sales_work_goes_to_the_receivers_and_finished_work_stays(
    supervisor, manager, other_manager, own_customer, admin_user
):
    open_prospect = ProspectFactory(created_by=manager)
    lost = ProspectFactory(created_by=manager, stage="lost")
    waiting = services.price_request_create(actor=manager, customer=own_customer, data={"subject": "运价"})
    answered = services.price_request_create(actor=manager, customer=own_customer, data={"subject": "旧报价"})
    services.price_request_answer(actor=manager, request=answered, answer="已答复")
    other = CustomerFactory(account_manager=manager, org_unit=own_customer.org_unit)
    campaign = services.campaign_create(
        actor=admin_user,
        data={"name": "外呼", "kind": "outbound", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
        customers=[own_customer.pk, other.pk],
    )
    worked = CampaignEntry.objects.get(campaign=campaign, customer=other)
    services.campaign_entry_record(actor=manager, entry=worked, result="reached")

    def receiver_for(customer_id):
        return other_manager if customer_id == own_customer.pk else supervisor

    items = hand_over_sales(actor=admin_user, leaving=manager, receiver_for=receiver_for)

    assert {item.kind for item in items} == {"prospects", "price_requests", "sales_campaigns"}
    assert Prospect.objects.get(pk=open_prospect.pk).owner == supervisor
    assert Prospect.objects.get(pk=lost.pk).owner == manager
    assert PriceRequest.objects.get(pk=waiting.pk).owner == other_manager
    assert PriceRequest.objects.get(pk=answered.pk).owner == manager
    assert CampaignEntry.objects.get(campaign=campaign, customer=own_customer).assignee == other_manager
    assert CampaignEntry.objects.get(pk=worked.pk).assignee == manager
    event = AuditEvent.objects.get(target_type="sales.prospect", target_id=open_prospect.pk, action="updated")
    assert event.changes == {"owner": [manager.pk, supervisor.pk]} and event.actor == admin_user
