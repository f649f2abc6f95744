"""Every change an admin makes in /admin/ is in the audit trail, with its values before and after."""

import pytest
from django.contrib import admin
from django.forms import SplitDateTimeField
from django.urls import reverse
from django.utils.timezone import localtime

from kefu.audit.admin import HIDDEN, AuditedAdmin
from kefu.audit.models import AuditEvent
from kefu.customers.models import Tag
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.sla.models import SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets.models import Category, RootCause, Workflow, WorkflowState, WorkflowTransition
from kefu.tickets.tests.factories import install_workflows


@pytest.fixture
def root(org):
    return UserFactory(username="root", role=Role.ADMIN, org_unit=org["company"], is_staff=True, is_superuser=True)


@pytest.fixture
def site(client_for, root):
    return client_for(root)


def _post_value(value):
    if value is True:
        return "on"
    if value is None or value is False:
        return None
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(value)


def form_data(page) -> dict:
    """What the change page's form would post unchanged: the main form and every inline."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        forms += [management, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = _post_value(form[name].value())
            if isinstance(field, SplitDateTimeField) and form[name].value():  # posted as a date and a time
                when = localtime(form[name].value())
                data[f"{form.add_prefix(name)}_0"], data[f"{form.add_prefix(name)}_1"] = (
                    f"{when:%Y-%m-%d}",
                    f"{when:%H:%M:%S}",
                )
            elif value is not None:
                data[form.add_prefix(name)] = value
    return data


def entries(model, pk=None):
    events = AuditEvent.objects.filter(target_type=model._meta.label_lower)
    return list(events.filter(target_id=pk) if pk else events)


def test_every_admin_screen_is_audited():
    unaudited = [
        model._meta.label for model, screen in admin.site._registry.items() if not isinstance(screen, AuditedAdmin)
    ]
    assert unaudited == []


def test_changing_a_users_role_records_who_changed_it_from_what_to_what(site, root, agent):
    url = reverse("admin:org_user_change", args=[agent.pk])
    data = {**form_data(site.get(url)), "role": Role.SUPERVISOR}
    response = site.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    (event,) = entries(agent, agent.pk)
    assert (event.actor, event.action, event.changes) == (root, "updated", {"role": [Role.AGENT, Role.SUPERVISOR]})


def test_a_password_set_in_the_admin_is_audited_without_the_hash(site, agent):
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    response = site.post(url, {"password1": "Kefu-2026-new!", "password2": "Kefu-2026-new!", "usable_password": "true"})
    assert response.status_code == 302
    (event,) = entries(agent, agent.pk)
    assert event.changes == {"password": [HIDDEN, HIDDEN]}
    assert agent.password not in str(event.changes)


def test_workflow_steps_added_renamed_and_removed_in_the_editor_are_each_audited(site, root):
    install_workflows()
    workflow = Workflow.objects.get(ticket_type="inquiry")
    url = reverse("admin:tickets_workflow_change", args=[workflow.pk])
    data = form_data(site.get(url))
    moves = list(WorkflowTransition.objects.filter(workflow=workflow).order_by("position", "id"))
    prefix = next(key for key in data if key.endswith("-0-code") and data[key] == moves[0].code).rsplit("-0-", 1)[0]
    data[f"{prefix}-0-name"] = "受理后开始处理"
    data[f"{prefix}-1-DELETE"] = "on"
    response = site.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    renamed = entries(WorkflowTransition, moves[0].pk)
    assert [(e.action, e.changes) for e in renamed] == [("updated", {"name": [moves[0].name, "受理后开始处理"]})]
    (removed,) = entries(WorkflowTransition, moves[1].pk)
    assert removed.action == "deleted" and removed.changes["code"] == [moves[1].code, None]
    assert not WorkflowTransition.objects.filter(pk=moves[1].pk).exists()
    assert all(e.actor == root for e in entries(WorkflowTransition))


def test_a_time_limit_policy_changed_in_the_admin_is_audited(site):
    policy = SlaPolicy.objects.create(name="投诉", ticket_type="complaint", calendar=default_calendar(), resolution=3)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    data = {**form_data(site.get(url)), "resolution": "5"}
    assert site.post(url, data).status_code == 302
    (event,) = entries(SlaPolicy, policy.pk)
    assert event.changes == {"resolution": [3, 5]}


def test_a_category_moved_under_another_parent_names_both_parents(site):
    service = Category.objects.add_root({"name": "服务", "code": "C01"})
    business = Category.objects.add_root({"name": "营业", "code": "C02"})
    attitude = Category.objects.add_child(service, {"name": "服务态度", "code": "C0101"})
    url = reverse("admin:tickets_category_change", args=[attitude.pk])
    data = {**form_data(site.get(url)), "_ref_node_id": str(business.pk), "_position": "sorted-child"}
    data = {**data, "treebeard_ref_node": str(business.pk), "treebeard_position": "sorted-child"}
    assert site.post(url, data).status_code == 302
    (event,) = entries(Category, attitude.pk)
    assert event.changes == {"parent": ["服务", "营业"]}


def test_deleting_from_the_list_is_audited_with_what_was_deleted(site, root):
    tag = Tag.objects.create(name="重要客户")
    url = reverse("admin:customers_tag_changelist")
    response = site.post(url, {"action": "delete_selected", "_selected_action": [tag.pk], "post": "yes"})
    assert response.status_code == 302
    (event,) = entries(Tag, tag.pk)
    assert (event.action, event.actor, event.changes["name"]) == ("deleted", root, ["重要客户", None])


def test_a_state_added_in_the_admin_is_audited_with_its_values(site):
    install_workflows()
    workflow = Workflow.objects.get(ticket_type="praise")
    url = reverse("admin:tickets_workflow_change", args=[workflow.pk])
    data = form_data(site.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS") and "state" in key).rsplit("-", 1)[0]
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(count + 1)
    data.update(
        {f"{prefix}-{count}-code": "thanked", f"{prefix}-{count}-name": "已致谢", f"{prefix}-{count}-kind": "open"}
    )
    data[f"{prefix}-{count}-position"] = "9"
    data[f"{prefix}-{count}-workflow"] = str(workflow.pk)
    response = site.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    state = WorkflowState.objects.get(workflow=workflow, code="thanked")
    (event,) = entries(WorkflowState, state.pk)
    assert event.action == "created" and event.changes["name"] == [None, "已致谢"]


def test_a_row_changed_in_the_lists_editable_columns_is_audited(site, root):
    install_workflows()
    cause = RootCause.objects.get(name="电网建设")
    url = reverse("admin:tickets_rootcause_changelist")
    rows = list(RootCause.objects.order_by("position", "name"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)), "_save": "保存"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-position"] = str(row.position)
        if row.is_active and row != cause:
            data[f"form-{i}-is_active"] = "on"
    assert site.post(url, data).status_code == 302
    (event,) = entries(RootCause, cause.pk)
    assert (event.action, event.actor, event.changes) == ("updated", root, {"is_active": [True, False]})
