"""Care batches: drawn up once per rule and date, reviewed, approved by someone other than who
drew them up, then queued in the outbox; opted-out customers excluded and counted."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kefu.audit.models import AuditEvent
from kefu.care import services
from kefu.care.choices import BatchStatus, Occasion
from kefu.care.models import CareBatch, CareRecipient
from kefu.care.selectors import delivery_report
from kefu.care.sending import BATCH_SOURCE
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.models import Tag
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, OptOut

SPRING_2026 = date(2026, 2, 17)


@pytest.fixture
def second_supervisor(org):
    return UserFactory(username="supervisor2", full_name="钱主管", role=Role.SUPERVISOR, org_unit=org["west"])


@pytest.fixture
def spring_rule(admin_user, templates, green_tier):
    return services.care_rule_create(
        actor=admin_user,
        data={"name": "春节问候", "occasion": Occasion.SPRING_FESTIVAL, "tiers": ["三星"], "channel": Channel.SMS,
              "purpose": "care_spring"},
    )  # fmt: skip


def test_a_rule_needs_an_active_template_of_its_purpose_on_its_channel(admin_user, templates):
    with pytest.raises(ValidationError) as refused:
        services.care_rule_create(
            actor=admin_user,
            data={
                "name": "中秋问候",
                "occasion": Occasion.MID_AUTUMN,
                "channel": Channel.EMAIL,
                "purpose": "care_spring",
            },
        )
    assert set(refused.value.message_dict) == {"purpose"}


def test_a_rule_refuses_every_bad_field_at_once(admin_user, templates):
    with pytest.raises(ValidationError) as refused:
        services.care_rule_create(
            actor=admin_user,
            data={"name": "", "occasion": "easter", "channel": "fax", "purpose": "x", "tiers": ["九星"],
                  "days_ahead": "-1"},
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"name", "occasion", "channel", "tiers", "days_ahead"}


def test_a_batch_greets_the_covered_customers_and_marks_those_opted_out(spring_rule, admin_user):
    top = CustomerFactory(name="甲", tier="三星")
    quiet = CustomerFactory(name="乙", tier="三星")
    CustomerFactory(name="丙", tier="一星")  # not covered by the rule
    OptOut.objects.create(customer=quiet, channel=Channel.SMS)
    batch, created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    assert created and batch.status == BatchStatus.PENDING
    assert (batch.recipients, batch.opted_out) == (2, 1)
    rows = dict(CareRecipient.objects.filter(batch=batch).values_list("customer_id", "opted_out"))
    assert rows == {top.pk: False, quiet.pk: True}


def test_generating_twice_makes_one_batch(spring_rule):
    CustomerFactory(tier="三星")
    first, created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    again, created_again = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    assert created and not created_again and again.pk == first.pk
    assert CareBatch.objects.count() == 1 and CareRecipient.objects.count() == 1


def test_the_daily_job_draws_up_the_holiday_batch_within_the_rules_days_ahead(spring_rule):
    CustomerFactory(tier="三星")
    assert services.care_generate_due(today=date(2026, 2, 10)) == 0  # 7 days ahead: not yet (3 days)
    assert services.care_generate_due(today=date(2026, 2, 14)) == 1
    assert services.care_generate_due(today=date(2026, 2, 15)) == 0  # already there
    assert CareBatch.objects.get().occasion_date == SPRING_2026


def test_key_person_birthdays_greet_the_key_person(admin_user, templates):
    rule = services.care_rule_create(
        actor=admin_user,
        data={"name": "关键人生日", "occasion": Occasion.KEY_PERSON_BIRTHDAY, "channel": Channel.SMS,
              "purpose": "care_birthday"},
    )  # fmt: skip
    born = KeyPersonFactory(birthday=date(1980, 3, 5))
    KeyPersonFactory(birthday=date(1980, 3, 6))
    batch, _created = services.care_batch_generate(actor=None, rule=rule, day=date(2026, 3, 5))
    assert list(CareRecipient.objects.filter(batch=batch).values_list("customer_id", "key_person_id")) == [
        (born.customer_id, born.pk)
    ]
    # A day without birthdays makes no batch when the job draws them up.
    assert services.care_batch_generate(actor=None, rule=rule, day=date(2026, 3, 7), skip_empty=True) == (None, False)


def test_a_rule_by_tag_greets_only_the_tagged(admin_user, templates):
    tag = Tag.objects.create(name="重要客户")
    rule = services.care_rule_create(
        actor=admin_user,
        data={"name": "中秋", "occasion": Occasion.MID_AUTUMN, "channel": Channel.SMS, "purpose": "care_spring",
              "tags": [tag.pk]},
    )  # fmt: skip
    tagged = CustomerFactory()
    tagged.tags.add(tag)
    CustomerFactory()
    batch, _created = services.care_batch_generate(actor=None, rule=rule, day=date(2026, 9, 25))
    assert list(CareRecipient.objects.filter(batch=batch).values_list("customer_id", flat=True)) == [tagged.pk]


def test_approval_queues_the_greetings_and_the_report_counts_the_opted_out(spring_rule, supervisor):
    greeted = CustomerFactory(name="甲", tier="三星")
    quiet = CustomerFactory(name="乙", tier="三星")
    OptOut.objects.create(customer=quiet, channel="")
    batch, _created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    services.care_batch_approve(actor=supervisor, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ENQUEUED and batch.decided_by == supervisor
    messages = {m.customer_id: m for m in Message.objects.filter(source=BATCH_SOURCE, source_id=batch.pk)}
    assert messages[greeted.pk].state == MessageState.QUEUED
    assert messages[greeted.pk].body == "甲，春节快乐！"
    assert messages[quiet.pk].state == MessageState.OPTED_OUT  # never sent
    report = delivery_report(BATCH_SOURCE, batch.pk)
    assert (report["waiting"], report["opted_out"], report["total"]) == (1, 1, 2)
    assert AuditEvent.objects.filter(target_type="care.carebatch", target_id=batch.pk).count() == 3


def test_the_person_who_drew_up_a_batch_cannot_approve_it(spring_rule, admin_user, supervisor):
    CustomerFactory(tier="三星")
    batch, _created = services.care_batch_generate(actor=admin_user, rule=spring_rule, day=SPRING_2026)
    with pytest.raises(PermissionDeniedError):
        services.care_batch_approve(actor=admin_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING and not Message.objects.exists()
    services.care_batch_approve(actor=supervisor, batch=batch)  # someone else may


def test_a_decided_batch_cannot_be_decided_again(spring_rule, supervisor, second_supervisor):
    CustomerFactory(tier="三星")
    batch, _created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    services.care_batch_approve(actor=supervisor, batch=batch)
    with pytest.raises(ConflictError):
        services.care_batch_approve(actor=second_supervisor, batch=batch)
    with pytest.raises(ConflictError):
        services.care_batch_reject(actor=second_supervisor, batch=batch, reason="重复")
    assert Message.objects.count() == 1


def test_rejecting_needs_a_reason_and_queues_nothing(spring_rule, supervisor):
    CustomerFactory(tier="三星")
    batch, _created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    with pytest.raises(ValidationError) as refused:
        services.care_batch_reject(actor=supervisor, batch=batch, reason=" ")
    assert set(refused.value.message_dict) == {"reason"}
    services.care_batch_reject(actor=supervisor, batch=batch, reason="措辞需修改")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED and not Message.objects.exists()


def test_an_account_manager_may_not_approve(spring_rule, manager):
    batch, _created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    with pytest.raises(PermissionDeniedError):
        services.care_batch_approve(actor=manager, batch=batch)


def test_an_approved_batch_whose_queueing_was_lost_is_queued_once_by_the_job(spring_rule, supervisor, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from kefu.care import tasks

    CustomerFactory(tier="三星")
    CustomerFactory(tier="三星")
    batch, _created = services.care_batch_generate(actor=None, rule=spring_rule, day=SPRING_2026)
    monkeypatch.setattr(tasks.care_batch_enqueue_task, "run", lambda **kwargs: None)  # the worker died
    services.care_batch_approve(actor=supervisor, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED and not Message.objects.exists()
    CareBatch.objects.filter(pk=batch.pk).update(decided_at=timezone.now() - timedelta(hours=1))
    services.care_generate_due(today=date(2026, 1, 1))
    services.care_generate_due(today=date(2026, 1, 1))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ENQUEUED
    assert Message.objects.filter(source=BATCH_SOURCE, source_id=batch.pk).count() == 2
    assert services.care_batch_enqueue(batch_id=batch.pk) is False  # a late task does nothing
    assert Message.objects.count() == 2


def test_a_custom_yearly_date_gets_its_batch_each_year(admin_user, templates):
    custom = services.custom_occasion_create(actor=admin_user, data={"name": "公司周年", "day": "2020-05-18",
                                                                     "yearly": True})  # fmt: skip
    rule = services.care_rule_create(
        actor=admin_user,
        data={"name": "周年问候", "occasion": Occasion.CUSTOM, "custom_occasion": custom.pk, "channel": Channel.SMS,
              "purpose": "care_spring", "days_ahead": 2},
    )  # fmt: skip
    CustomerFactory()
    assert services.care_generate_due(today=date(2026, 5, 15)) == 0
    assert services.care_generate_due(today=date(2026, 5, 16)) == 1
    batch = CareBatch.objects.get(rule=rule)
    assert (batch.occasion_date, batch.occasion_label) == (date(2026, 5, 18), "公司周年")


def test_a_custom_rule_needs_its_date_and_a_stale_edit_is_refused(admin_user, templates):
    with pytest.raises(ValidationError) as refused:
        services.care_rule_create(
            actor=admin_user,
            data={"name": "x", "occasion": Occasion.CUSTOM, "channel": Channel.SMS, "purpose": "care_spring"},
        )
    assert set(refused.value.message_dict) == {"custom_occasion"}
    rule = services.care_rule_create(
        actor=admin_user,
        data={"name": "元旦", "occasion": Occasion.NEW_YEAR, "channel": Channel.SMS, "purpose": "care_spring"},
    )
    data = {"name": "元旦问候", "occasion": Occasion.NEW_YEAR, "channel": Channel.SMS, "purpose": "care_spring"}
    services.care_rule_update(actor=admin_user, rule=rule, data=data, expected_version=rule.version)
    with pytest.raises(ConflictError):
        services.care_rule_update(actor=admin_user, rule=rule, data=data, expected_version=rule.version)
    rule.refresh_from_db()
    assert rule.name == "元旦问候" and rule.version == 2
    assert AuditEvent.objects.filter(target_type="care.carerule", target_id=rule.pk).count() == 2
