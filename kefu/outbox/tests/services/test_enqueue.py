from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from kefu.audit.models import AuditEvent
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, MessageTemplate
from kefu.outbox.services import (
    Recipient,
    messages_enqueue,
    messages_enqueue_customers,
    optout_record,
    send_to_staff,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _greeting(channel=Channel.SMS):
    return MessageTemplate.objects.create(
        purpose="care",
        channel=channel,
        name="生日问候",
        subject="祝{{ customer_name }}生日快乐",
        body="尊敬的{{ customer_name }}，{{ key_person }}您好，{{ date|date:'Y-m-d' }}祝您生日快乐！",
    )


def test_enqueue_renders_the_purpose_template_for_each_customer_with_its_mobile(admin_user):
    _greeting()
    first, second = CustomerFactory(name="甲公司"), CustomerFactory(name="乙公司")
    result = messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        recipients=[Recipient(customer_id=first.pk), Recipient(customer_id=second.pk)],
        variables={"date": date(2026, 2, 17)},
        source="care.batch",
        source_id=7,
        scheduled_at=datetime(2026, 2, 17, 9, 0, tzinfo=SHANGHAI),
    )
    assert result.queued == 2
    message = Message.objects.get(customer=first)
    assert message.body == "尊敬的甲公司，您好，2026-02-17祝您生日快乐！"
    assert message.address == first.mobile
    assert (message.state, message.source, message.source_id) == (MessageState.QUEUED, "care.batch", 7)
    assert AuditEvent.objects.filter(target_type="outbox.message", actor=admin_user).count() == 1


def test_key_person_recipient_gets_their_name_and_the_customer_name(admin_user):
    person = KeyPersonFactory(name="王总", customer__name="丙公司")
    messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        recipients=[Recipient(key_person_id=person.pk)],
        body="{{ customer_name }}的{{ key_person }}",
    )
    message = Message.objects.get()
    assert (message.body, message.address, message.customer_id) == ("丙公司的王总", person.mobile, person.customer_id)


def test_opted_out_customer_gets_a_row_that_is_never_queued(admin_user):
    customer = CustomerFactory()
    optout_record(actor=admin_user, customer=customer, channel=Channel.SMS)
    result = messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        recipients=[Recipient(customer_id=customer.pk)],
        body="hi",
    )
    assert (result.queued, result.opted_out) == (0, 1)
    assert Message.objects.get().state == MessageState.OPTED_OUT


def test_opt_out_of_every_channel_covers_email_too(admin_user):
    customer = CustomerFactory(email="a@example.com")
    optout_record(actor=admin_user, customer=customer)
    result = messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.EMAIL,
        recipients=[Recipient(customer_id=customer.pk)],
        body="hi",
    )
    assert result.opted_out == 1


def test_opting_out_withdraws_messages_already_queued(admin_user):
    customer = CustomerFactory()
    messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        recipients=[Recipient(customer_id=customer.pk)],
        body="hi",
    )
    optout_record(actor=admin_user, customer=customer, channel=Channel.SMS)
    assert Message.objects.get().state == MessageState.OPTED_OUT


def test_same_key_queues_each_recipient_once(admin_user):
    customers = CustomerFactory.create_batch(3)
    options = {
        "actor": admin_user,
        "purpose": "notice",
        "channel": Channel.SMS,
        "body": "停电通知",
        "key": "notice:1:7d",
    }
    first = messages_enqueue(recipients=[Recipient(customer_id=c.pk) for c in customers[:2]], **options)
    second = messages_enqueue(recipients=[Recipient(customer_id=c.pk) for c in customers], **options)
    assert (first.queued, second.queued, second.duplicates) == (2, 1, 2)
    assert Message.objects.count() == 3


def test_recipient_without_an_address_is_recorded_failed(admin_user):
    customer = CustomerFactory(email="")
    result = messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.EMAIL,
        recipients=[Recipient(customer_id=customer.pk)],
        body="hi",
    )
    assert result.no_address == 1
    assert Message.objects.get().state == MessageState.FAILED


def test_missing_template_is_refused_naming_the_template(admin_user):
    with pytest.raises(ValidationError) as error:
        messages_enqueue(actor=admin_user, purpose="nothing", channel=Channel.SMS, recipients=[Recipient(address="1")])
    assert "template" in error.value.message_dict
    assert not Message.objects.exists()


def test_template_cannot_reach_beyond_its_variables(admin_user):
    with pytest.raises(ValidationError) as error:
        messages_enqueue(
            actor=admin_user,
            purpose="x",
            channel=Channel.SMS,
            recipients=[Recipient(address="1")],
            body="{% load static %}{% debug %}",
        )
    assert "body" in error.value.message_dict
    with pytest.raises(ValueError):
        messages_enqueue(
            actor=admin_user,
            purpose="x",
            channel=Channel.SMS,
            recipients=[Recipient(address="1")],
            body="{{ c.account_manager.password }}",
            variables={"c": CustomerFactory()},
        )


def test_sms_queued_in_quiet_hours_waits_for_their_end(admin_user):
    at = datetime(2026, 3, 2, 22, 30, tzinfo=SHANGHAI)
    messages_enqueue(
        actor=admin_user,
        purpose="x",
        channel=Channel.SMS,
        recipients=[Recipient(address="13900000000")],
        body="hi",
        scheduled_at=at,
    )
    messages_enqueue(
        actor=admin_user,
        purpose="x",
        channel=Channel.EMAIL,
        recipients=[Recipient(address="a@b.cn")],
        body="hi",
        scheduled_at=at,
    )
    sms, mail = Message.objects.get(channel=Channel.SMS), Message.objects.get(channel=Channel.EMAIL)
    assert sms.scheduled_at == datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI) == sms.next_attempt_at
    assert mail.scheduled_at == at


def test_enqueue_for_a_queryset_of_customers(admin_user):
    CustomerFactory.create_batch(5, region="城东")
    CustomerFactory(region="城西")
    from kefu.customers.models import Customer

    result = messages_enqueue_customers(
        actor=admin_user,
        customers=Customer.objects.filter(region="城东"),
        purpose="notice",
        channel=Channel.FILE,
        body="{{ customer_name }}",
    )
    assert result.queued == 5


def test_send_to_staff_emails_users(admin_user, manager):
    manager.email = "wang@example.com"
    manager.save()
    result = send_to_staff([manager], "handover", "交接", "{{ recipient_name }}：请查收")
    assert result.queued == 1
    assert Message.objects.get().body == "王经理：请查收"


def test_a_racing_call_with_the_same_key_writes_each_row_once(admin_user, monkeypatch):
    """Two calls with one key checked the existing keys at the same moment: the second one's
    insert meets the first one's rows and writes only the others."""
    from kefu.outbox import services

    customers = CustomerFactory.create_batch(3)
    options = {"actor": admin_user, "purpose": "notice", "channel": Channel.FILE, "body": "x", "key": "race"}
    messages_enqueue(recipients=[Recipient(customer_id=customers[0].pk)], **options)
    monkeypatch.setattr(services, "_existing_keys", lambda keys: set())  # the check saw nothing yet
    result = messages_enqueue(recipients=[Recipient(customer_id=c.pk) for c in customers], **options)
    assert (result.queued, result.duplicates) == (2, 1)
    assert Message.objects.count() == 3


def test_a_template_failing_on_its_values_is_refused_on_its_field(admin_user, own_customer):
    from kefu.outbox.services import template_preview

    with pytest.raises(ValidationError) as error:
        template_preview(template_text="{% for x in today %}{{ x }}{% endfor %}", customer=own_customer)
    assert "body" in error.value.message_dict


def test_two_key_persons_of_one_customer_each_get_their_message_under_one_key(admin_user):
    customer = CustomerFactory()
    first, second = KeyPersonFactory(customer=customer), KeyPersonFactory(customer=customer)
    result = messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        body="{{ key_person }}",
        key="care:1",
        recipients=[Recipient(key_person_id=first.pk), Recipient(key_person_id=second.pk)],
    )
    assert (result.queued, result.duplicates) == (2, 0)
    assert set(Message.objects.values_list("recipient_kind", "key_person_id", "customer_id")) == {
        ("key_person", first.pk, customer.pk),
        ("key_person", second.pk, customer.pk),
    }


def test_a_recipient_that_no_longer_exists_is_recorded_failed_without_a_dangling_link(admin_user):
    customer = CustomerFactory()
    gone = customer.pk
    customer.delete()
    result = messages_enqueue(
        actor=admin_user, purpose="care", channel=Channel.SMS, body="hi", recipients=[Recipient(customer_id=gone)]
    )
    assert result.no_address == 1
    message = Message.objects.get()
    assert (message.customer_id, message.state, message.recipient_kind) == (None, MessageState.FAILED, "customer")
