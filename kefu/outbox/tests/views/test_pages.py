import pytest
from django.urls import reverse

from kefu.audit.models import AuditEvent
from kefu.conftest import login
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, MessageTemplate, OptOut
from kefu.outbox.services import Recipient, messages_enqueue

pytestmark = pytest.mark.django_db


def _queue(actor, channel=Channel.FILE, purpose="notice", n=2):
    messages_enqueue(
        actor=actor,
        purpose=purpose,
        channel=channel,
        body="停电通知",
        recipients=[Recipient(address=f"1390000{i:04d}") for i in range(n)],
    )


def test_outbox_list_filters_and_shows_bad_filters(admin_user):
    _queue(admin_user)
    _queue(admin_user, channel=Channel.EMAIL, purpose="care", n=1)
    page = login(admin_user).get(reverse("outbox:list"), {"channel": "email", "state": "nonsense"})
    assert page.status_code == 200
    assert len(page.context["page_obj"]) == 1
    assert page.context["filter_errors"]


def test_outbox_pages_need_the_capability(manager, agent):
    assert login(manager).get(reverse("outbox:list")).status_code == 403
    assert login(agent).get(reverse("outbox:templates")).status_code == 403


def test_message_detail_and_withdraw(admin_user):
    _queue(admin_user, n=1)
    message = Message.objects.get()
    client = login(admin_user)
    page = client.get(reverse("outbox:detail", args=[message.pk]))
    assert page.status_code == 200 and "停电通知" in page.content.decode()
    client.post(reverse("outbox:cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED
    assert AuditEvent.objects.filter(target_type="outbox.message", target_id=message.pk).exists()


def test_template_create_with_preview_for_a_real_customer(admin_user):
    customer = CustomerFactory(name="甲公司")
    KeyPersonFactory(customer=customer, name="王总")
    client = login(admin_user)
    data = {
        "purpose": "care",
        "channel": "sms",
        "name": "生日",
        "subject": "",
        "body": "{{ customer_name }}{{ key_person }}生日快乐",
        "is_active": "on",
        "preview_customer": customer.pk,
    }
    page = client.post(reverse("outbox:template_new"), {**data, "preview": "1"})
    assert page.context["preview"] == ("", "甲公司王总生日快乐")
    assert not MessageTemplate.objects.exists()
    assert client.post(reverse("outbox:template_new"), data).status_code == 302
    assert MessageTemplate.objects.get().body == data["body"]


def test_template_with_a_syntax_error_is_refused_on_its_field(admin_user):
    page = login(admin_user).post(
        reverse("outbox:template_new"),
        {"purpose": "care", "channel": "sms", "name": "x", "body": "{% include 'base.html' %}"},
    )
    assert page.status_code == 400
    assert "body" in page.context["form"].errors
    assert not MessageTemplate.objects.exists()


def test_opt_out_page_records_and_removes_within_scope(manager, own_customer, foreign_customer):
    client = login(manager)
    response = client.post(reverse("outbox:optouts", args=[own_customer.pk]), {"channel": "sms", "reason": "客户要求"})
    assert response.status_code == 302
    optout = OptOut.objects.get(customer=own_customer)
    assert (optout.channel, optout.reason, optout.created_by) == ("sms", "客户要求", manager)
    assert client.post(reverse("outbox:optouts", args=[own_customer.pk]), {"channel": "sms"}).status_code == 400
    assert client.get(reverse("outbox:optouts", args=[foreign_customer.pk])).status_code == 404
    client.post(reverse("outbox:optout_remove", args=[own_customer.pk, optout.pk]))
    assert not OptOut.objects.exists()


def test_customer_360_shows_opt_outs_and_messages(manager, own_customer, admin_user):
    OptOut.objects.create(customer=own_customer, channel="")
    messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        body="hi",
        recipients=[Recipient(customer_id=own_customer.pk)],
    )
    page = login(manager).get(reverse("customers:detail", args=[own_customer.pk]))
    panel = next(p for p in page.context["panels"] if p.key == "messages")
    assert panel.total == 2
    assert 'id="customer-panel-messages"' in page.content.decode()


def test_workbench_card_counts_messages_not_sent_for_admins_only(admin_user, manager):
    from kefu.core.workbench import workbench_cards

    messages_enqueue(actor=admin_user, purpose="x", channel=Channel.EMAIL, body="b", recipients=[Recipient()])
    _queue(admin_user, n=2)
    [card] = [c for c in workbench_cards(admin_user) if c["url"].startswith(reverse("outbox:list"))]
    assert card["value"] == 1  # failed: no address
    assert "2" in card["hint"]
    assert not [c for c in workbench_cards(manager) if c["url"].startswith(reverse("outbox:list"))]
