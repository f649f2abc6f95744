"""Working an arrear: soft reminder first (through the outbox, honouring opt-outs), then calls
and visits (in the contact log), promises to pay kept or broken, payments settling the bill;
through the service, the page and the API, in the user's scope."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.collection import reminders, services
from kefu.collection.models import Arrear, CollectionStep, Promise
from kefu.conftest import api
from kefu.contacts.models import ContactLog
from kefu.core.errors import ConflictError
from kefu.inbox.models import Notification
from kefu.outbox.models import Message
from kefu.outbox.services import optout_record

from ..factories import ArrearFactory

pytestmark = pytest.mark.django_db

WAYS = ["service", "page", "api"]


@pytest.fixture
def past_due(book):
    """The hotel's March bill of 1,000.00, due ten days ago."""
    today = timezone.localdate()
    return ArrearFactory(customer=book["hotel"], amount=Decimal("1000.00"), due_date=today - timedelta(days=10))


def step(way, user, arrear, client_for, **data):
    if way == "service":
        try:
            services.collection_step_record(actor=user, arrear=arrear, **data)
        except ValidationError as refused:
            return 400, refused.message_dict
        return 201, {}
    if way == "page":
        response = client_for(user).post(reverse("collection:step", args=[arrear.pk]), data)
        return (201 if response.status_code == 302 else response.status_code), response.content.decode()
    response = api(user).post(reverse("api-arrear-steps", args=[arrear.pk]), data, format="json")
    return response.status_code, response.json()


@pytest.mark.parametrize("way", WAYS)
def test_a_call_before_the_soft_reminder_is_refused_on_kind(way, past_due, manager, client_for):
    status, body = step(way, manager, past_due, client_for, kind="call", outcome="客户说下周缴")
    assert status == 400 and "先发送柔性催费提醒" in str(body)
    assert not CollectionStep.objects.exists() and not ContactLog.objects.exists()


@pytest.mark.parametrize("way", WAYS)
def test_after_the_soft_reminder_a_call_is_logged_as_a_contact(way, past_due, manager, client_for):
    reminder = reminders.arrear_remind(actor=manager, arrear=past_due)
    assert reminder.kind == "reminder"
    message = Message.objects.get(source="collection.arrear", source_id=past_due.pk)
    assert (message.purpose, message.channel, message.state) == ("fee_reminder", "sms", "queued")
    assert "1000.00" in message.body and "如已缴纳，请忽略" in message.body  # soft in tone
    status, _body = step(way, manager, past_due, client_for, kind="call", outcome="客户说下周缴")
    assert status == 201
    call = CollectionStep.objects.get(kind="call")
    contact = ContactLog.objects.get(source="collection", source_id=call.pk)
    assert (contact.customer_id, contact.channel) == (past_due.customer_id, "phone")
    assert AuditEvent.objects.filter(target_type="collection.collectionstep", target_id=call.pk).exists()


def test_an_opted_out_customer_gets_no_reminder_but_the_step_is_recorded(past_due, manager, admin_user):
    optout_record(actor=admin_user, customer=past_due.customer, channel="sms", reason="不接收短信")
    reminder = reminders.arrear_remind(actor=manager, arrear=past_due)
    assert "退订" in reminder.outcome or "opted out" in reminder.outcome
    assert Message.objects.get(source_id=past_due.pk).state == "opted_out"
    services.collection_step_record(actor=manager, arrear=past_due, kind="visit", outcome="上门面谈")  # may follow


def test_a_bill_not_yet_due_gets_the_payment_notice_once_a_day(book, manager):
    arrear = ArrearFactory(customer=book["mill"], due_date=timezone.localdate() + timedelta(days=5))
    notice = reminders.arrear_remind(actor=manager, arrear=arrear)
    assert notice.kind == "notice"
    assert Message.objects.get(source_id=arrear.pk).purpose == "payment_notice"
    with pytest.raises(ConflictError):
        reminders.arrear_remind(actor=manager, arrear=arrear)
    assert Message.objects.filter(source_id=arrear.pk).count() == 1


def test_the_reminder_job_sends_each_past_due_bill_one_soft_reminder(past_due, book):
    not_yet = ArrearFactory(customer=book["mill"], due_date=timezone.localdate() - timedelta(days=1))
    assert reminders.collection_remind_due() == 1
    assert reminders.collection_remind_due() == 0  # a second run, the same day or later, adds nothing
    # three days after its due date, the bill due yesterday gets its own
    assert reminders.collection_remind_due(today=timezone.localdate() + timedelta(days=1)) == 0
    assert reminders.collection_remind_due(today=timezone.localdate() + timedelta(days=2)) == 1
    assert list(Message.objects.values_list("source_id", flat=True).order_by("source_id")) == sorted(
        [past_due.pk, not_yet.pk]
    )


def test_the_job_sends_a_payment_notice_for_bills_coming_due_once(book):
    today = timezone.localdate()
    soon = ArrearFactory(customer=book["hotel"], due_date=today + timedelta(days=5))
    ArrearFactory(customer=book["mill"], due_date=today + timedelta(days=6))  # not yet
    ArrearFactory(customer=book["school"], due_date=today + timedelta(days=2), amount=Decimal("0"), status="paid")
    assert reminders.collection_remind_due() == 1
    assert reminders.collection_remind_due() == 0
    message = Message.objects.get()
    assert (message.source_id, message.purpose) == (soon.pk, "payment_notice")
    assert CollectionStep.objects.get().actor is None


def test_a_manager_cannot_work_on_another_managers_arrear(book, manager, client_for):
    theirs = ArrearFactory(customer=book["school"])
    assert client_for(manager).get(reverse("collection:detail", args=[theirs.pk])).status_code == 404
    assert api(manager).get(reverse("api-arrear-detail", args=[theirs.pk])).status_code == 404
    assert api(manager).post(reverse("api-arrear-remind", args=[theirs.pk])).status_code == 404
    assert not Message.objects.exists()


def test_an_agent_and_an_anonymous_caller_see_no_arrears(book, agent, client_for):
    ArrearFactory(customer=book["hotel"])
    assert client_for(agent).get(reverse("collection:list")).status_code == 403
    assert api(agent).get(reverse("api-arrear-list")).status_code == 403
    assert api().get(reverse("api-arrear-list")).status_code in (401, 403)


def test_a_managers_list_holds_only_their_book(book, manager, supervisor, client_for):
    mine = ArrearFactory(customer=book["hotel"])
    ArrearFactory(customer=book["school"])
    listed = api(manager).get(reverse("api-arrear-list")).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert [row["id"] for row in api(supervisor).get(reverse("api-arrear-list")).json()["results"]] == [mine.pk]
    page = client_for(manager).get(reverse("collection:list")).content.decode()
    assert "星级酒店" in page and "实验小学" not in page


@pytest.mark.parametrize("way", WAYS)
def test_a_promise_not_kept_by_its_date_flags_the_arrear_once(way, past_due, manager, client_for):
    today = timezone.localdate()
    data = {"promised_on": str(today + timedelta(days=3)), "amount": "400", "note": "月底前"}
    if way == "service":
        services.promise_record(actor=manager, arrear=past_due, **data)
    elif way == "page":
        assert client_for(manager).post(reverse("collection:promise", args=[past_due.pk]), data).status_code == 302
    else:
        assert (
            api(manager).post(reverse("api-arrear-promises", args=[past_due.pk]), data, format="json").status_code
            == 201
        )
    assert services.promises_check(today=today + timedelta(days=3)) == 0  # its own day is still in time
    assert services.promises_check(today=today + timedelta(days=4)) == 1
    assert services.promises_check(today=today + timedelta(days=5)) == 0  # decided once
    arrear = Arrear.objects.get(pk=past_due.pk)
    assert arrear.promise_broken and Promise.objects.get().status == "broken"
    assert Notification.objects.filter(recipient=manager, kind="collection_promise_broken").count() == 1


def test_a_promise_kept_by_payment_is_not_broken(past_due, manager, admin_user):
    today = timezone.localdate()
    services.promise_record(actor=manager, arrear=past_due, promised_on=today + timedelta(days=2), amount="400")
    services.payment_record(actor=admin_user, arrear=past_due, amount="400", paid_on=today, reference="B-1")
    assert Promise.objects.get().status == "kept"
    assert services.promises_check(today=today + timedelta(days=3)) == 0
    arrear = Arrear.objects.get(pk=past_due.pk)
    assert (arrear.paid, arrear.status, arrear.promise_broken) == (Decimal("400.00"), "open", False)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"promised_on": "2000-01-01"}, "promised_on"),
        ({"promised_on": "明天"}, "promised_on"),
        ({"promised_on": "2999-01-01", "amount": "5000"}, "amount"),
        ({"promised_on": "2999-01-01", "amount": "-1"}, "amount"),
        ({"promised_on": "2999-01-01", "note": "x\u202ey"}, "note"),
    ],
)
def test_a_bad_promise_is_refused_naming_the_field(past_due, manager, data, field):
    with pytest.raises(ValidationError) as refused:
        services.promise_record(actor=manager, arrear=past_due, **data)
    assert field in refused.value.message_dict
    response = api(manager).post(reverse("api-arrear-promises", args=[past_due.pk]), data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Promise.objects.exists()


def test_a_payment_retried_with_its_reference_is_counted_once_and_settles(past_due, admin_user, client_for):
    client = api(admin_user)
    body = {"amount": "1000", "paid_on": str(timezone.localdate()), "reference": "B-9"}
    assert client.post(reverse("api-arrear-payments", args=[past_due.pk]), body, format="json").status_code == 201
    assert client.post(reverse("api-arrear-payments", args=[past_due.pk]), body, format="json").status_code == 201
    arrear = Arrear.objects.get(pk=past_due.pk)
    assert (arrear.paid, arrear.status, arrear.settled_on) == (Decimal("1000.00"), "paid", timezone.localdate())
    with pytest.raises(ConflictError):
        services.collection_step_record(actor=admin_user, arrear=arrear, kind="call", outcome="x")


def test_a_manager_may_not_record_payments(past_due, manager):
    body = {"amount": "10", "paid_on": str(timezone.localdate()), "reference": "M-1"}
    assert api(manager).post(reverse("api-arrear-payments", args=[past_due.pk]), body, format="json").status_code == 403
