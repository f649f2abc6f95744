import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError
from kefu.customers import services
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.customers.timeline import customer_timeline


def test_creating_a_customer_writes_a_created_audit_event_with_its_values(manager):
    customer = services.customer_create(actor=manager, data={"name": "陈静", "mobile": "138 0013 8000"})
    event = AuditEvent.objects.get(target_type="customers.customer", target_id=customer.pk)
    assert event.action == AuditAction.CREATED
    assert event.actor == manager
    assert event.customer_id == customer.pk
    assert event.changes["mobile"] == [None, "13800138000"]


def test_account_manager_owns_the_customers_they_create(manager, org):
    customer = services.customer_create(actor=manager, data={"name": "陈静"})
    assert customer.account_manager == manager
    assert customer.org_unit == org["east_team"]


def test_account_manager_cannot_assign_a_customer_to_another_manager(manager, other_manager):
    with pytest.raises(ValidationError) as error:
        services.customer_create(actor=manager, data={"name": "陈静"}, relations={"account_manager": other_manager})
    assert "account_manager" in error.value.message_dict
    assert not Customer.objects.exists()


def test_supervisor_can_assign_within_their_subtree_only(supervisor, manager, other_manager):
    customer = services.customer_create(actor=supervisor, data={"name": "陈静"}, relations={"account_manager": manager})
    assert customer.account_manager == manager
    with pytest.raises(ValidationError):
        services.customer_create(actor=supervisor, data={"name": "刘洋"}, relations={"account_manager": other_manager})


def test_duplicate_mobile_is_refused_naming_the_existing_customer(manager, own_customer):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.customer_create(actor=manager, data={"name": "重复", "mobile": own_customer.mobile})
    assert own_customer.name in error.value.message_dict["mobile"][0]


def test_duplicate_organisation_code_is_refused(manager):
    services.customer_create(
        actor=manager, data={"name": "甲公司", "kind": "organisation", "org_code": "91350100M000100Y43"}
    )
    with pytest.raises(ValidationError) as error:
        services.customer_create(
            actor=manager, data={"name": "乙公司", "kind": "organisation", "org_code": "91350100m000100y43"}
        )
    assert "org_code" in error.value.message_dict


def test_update_audits_only_the_fields_that_changed(manager, own_customer):
    services.customer_update(
        actor=manager,
        customer=own_customer,
        expected_version=own_customer.version,
        data={"name": own_customer.name, "address": "上海市浦东新区世纪大道100号"},
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATED)
    assert set(event.changes) == {"address"}
    assert event.changes["address"][1] == "上海市浦东新区世纪大道100号"


def test_update_with_a_stale_version_is_refused_and_changes_nothing(manager, own_customer):
    """Two people open the same customer; the second save must not overwrite the first."""
    read_version = own_customer.version
    services.customer_update(
        actor=manager, customer=own_customer, expected_version=read_version, data={"region": "东区"}
    )
    with pytest.raises(ConflictError):
        services.customer_update(
            actor=manager, customer=own_customer, expected_version=read_version, data={"region": "西区"}
        )
    own_customer.refresh_from_db()
    assert own_customer.region == "东区"
    assert own_customer.version == read_version + 1
    assert AuditEvent.objects.filter(action=AuditAction.UPDATED).count() == 1


def test_update_without_a_real_change_writes_no_audit_event(manager, own_customer):
    services.customer_update(
        actor=manager, customer=own_customer, expected_version=own_customer.version, data={"name": own_customer.name}
    )
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATED).exists()


def test_failed_update_leaves_no_audit_event_and_no_change(manager, own_customer):
    with pytest.raises(ValidationError):
        services.customer_update(
            actor=manager, customer=own_customer, expected_version=own_customer.version, data={"mobile": "123"}
        )
    own_customer.refresh_from_db()
    assert own_customer.version == 1
    assert not AuditEvent.objects.exists()


def test_valid_phone_flag_follows_the_phone_numbers(manager, own_customer):
    customer = services.customer_update(
        actor=manager, customer=own_customer, expected_version=1, data={"mobile": "", "phone": ""}
    )
    assert customer.has_valid_phone is False
    customer = services.customer_update(
        actor=manager, customer=customer, expected_version=2, data={"phone": "010-62345678"}
    )
    assert customer.has_valid_phone is True


def test_tag_changes_are_audited(manager, own_customer):
    services.customer_update(
        actor=manager, customer=own_customer, expected_version=1, data={}, tags=["VIP", "敏感用户"]
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATED)
    assert event.changes["tags"] == [[], ["VIP", "敏感用户"]]


def test_deleting_a_customer_keeps_its_audit_trail(supervisor, own_customer):
    customer_id = own_customer.pk
    services.customer_delete(actor=supervisor, customer=own_customer)
    assert not Customer.objects.filter(pk=customer_id).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETED)
    assert event.customer_id == customer_id
    assert event.changes["name"] == ["张三", None]


def test_an_organisation_with_members_cannot_be_deleted(supervisor, org):
    parent = CustomerFactory(kind="organisation", name="如家酒店集团", org_unit=org["east_team"])
    CustomerFactory(name="如家酒店东直门店", parent=parent, org_unit=org["east_team"])
    with pytest.raises(ValidationError):
        services.customer_delete(actor=supervisor, customer=parent)


def test_revealing_a_masked_number_is_logged(agent, own_customer):
    value = services.customer_reveal(actor=agent, customer=own_customer, field="mobile")
    assert value == own_customer.mobile
    event = AuditEvent.objects.get(action=AuditAction.REVEALED)
    assert event.actor == agent and event.customer_id == own_customer.pk


def test_only_personal_numbers_can_be_revealed(agent, own_customer):
    with pytest.raises(ValidationError):
        services.customer_reveal(actor=agent, customer=own_customer, field="notes")


def test_key_person_changes_are_audited_on_the_customer(manager, own_customer):
    person = services.key_person_create(
        actor=manager, customer=own_customer, data={"name": "刘总", "mobile": "13912345678", "taboos": "忌周末来电"}
    )
    services.key_person_update(actor=manager, person=person, expected_version=1, data={"title": "总经理"})
    services.key_person_delete(actor=manager, person=person)
    actions = list(
        AuditEvent.objects.filter(customer_id=own_customer.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATED, AuditAction.UPDATED, AuditAction.DELETED]


def test_key_person_stale_version_is_refused(manager, own_customer):
    person = KeyPersonFactory(customer=own_customer)
    services.key_person_update(actor=manager, person=person, expected_version=1, data={"title": "董事长"})
    with pytest.raises(ConflictError):
        services.key_person_update(actor=manager, person=person, expected_version=1, data={"title": "财务"})


def test_timeline_shows_creation_edits_and_notes_newest_first(manager):
    customer = services.customer_create(actor=manager, data={"name": "陈静"})
    services.customer_update(actor=manager, customer=customer, expected_version=1, data={"region": "东区"})
    services.customer_note_add(actor=manager, customer=customer, text="客户反映电压不稳")
    kinds = [entry.kind for entry in customer_timeline(customer.pk)]
    assert kinds == ["note", AuditAction.UPDATED, AuditAction.CREATED]


def test_timeline_names_the_changed_fields_as_the_form_does(manager):
    customer = services.customer_create(actor=manager, data={"name": "陈静", "mobile": "13800138000"})
    services.customer_update(actor=manager, customer=customer, expected_version=1, data={"region": "东区"})
    with translation.override("zh-hans"):
        updated, created = [entry.body for entry in customer_timeline(customer.pk)]
    assert updated == "区域"
    assert {"名称", "手机号码", "客户经理"} <= set(created.split("、"))
    with translation.override("en"):
        updated, created = [entry.body for entry in customer_timeline(customer.pk)]
    assert updated == "region"
    assert {"name", "mobile", "account manager"} <= set(created.split(", "))


def test_reveals_are_not_shown_on_the_timeline(agent, own_customer):
    services.customer_reveal(actor=agent, customer=own_customer, field="mobile")
    assert customer_timeline(own_customer.pk) == []


def test_an_empty_note_is_refused(manager, own_customer):
    with pytest.raises(ValidationError):
        services.customer_note_add(actor=manager, customer=own_customer, text="  ")


def test_duplicate_outside_the_scope_is_refused_without_naming_the_other_customer(manager, foreign_customer):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.customer_create(actor=manager, data={"name": "重复", "mobile": foreign_customer.mobile})
    message = error.value.message_dict["mobile"][0]
    assert foreign_customer.name not in message
    assert "already in the customer archive" in message
