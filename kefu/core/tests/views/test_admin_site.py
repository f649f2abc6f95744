"""The admin site as an administrator meets it: reached from the sidebar, named Kefu, in Chinese,
and the workflow editor asks for ticks and choices, never for JSON."""

import re

from django.urls import reverse

from kefu.tickets.admin_forms import WorkflowTransitionForm
from kefu.tickets.models import Workflow, WorkflowTransition
from kefu.tickets.tests.factories import install_workflows


def test_the_sidebar_links_to_the_admin_site_for_staff_only(client_for, staff_admin, agent):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link in client_for(staff_admin).get(reverse("workbench")).content.decode()
    assert admin_link not in client_for(agent).get(reverse("workbench")).content.decode()


def test_the_admin_site_carries_kefus_name_not_djangos(client_for, staff_admin):
    page = client_for(staff_admin).get(reverse("admin:index")).content.decode()
    assert "客服平台管理" in page and "设置与配置" in page
    assert "Django" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_the_workflow_editor_offers_step_fields_as_ticks_with_their_chinese_labels(client_for, staff_admin):
    install_workflows()
    workflow = Workflow.objects.get(ticket_type="complaint")
    page = client_for(staff_admin).get(reverse("admin:tickets_workflow_change", args=[workflow.pk])).content.decode()
    ticked = r'type="checkbox" name="transitions-\d+-required_fields" value="resolution_plan"[^>]*checked'
    assert re.search(ticked, page)
    assert not re.search(r'<textarea name="transitions-\d+-required_fields"', page)
    assert "处理方案" in page and "起始状态" in page and "目标状态" in page
    assert "审批方案与延期" in page  # the capability is picked by what it allows
    assert ">Source<" not in page and ">Target<" not in page


def test_a_step_saved_from_the_editor_keeps_the_ticked_fields_as_a_list(db):
    install_workflows()
    step = WorkflowTransition.objects.get(workflow__ticket_type="complaint", code="archive")
    data = {
        "workflow": step.workflow_id, "code": step.code, "name": step.name, "source": step.source_id,
        "target": step.target_id, "capability": "tickets.handle", "position": step.position,
        "required_fields": ["cause_class", "root_cause"], "effect": step.effect,
    }  # fmt: skip
    form = WorkflowTransitionForm(data, instance=step)
    assert form.is_valid(), form.errors
    form.save()
    step.refresh_from_db()
    assert step.required_fields == ["root_cause", "cause_class"]  # in the order the step form asks


def test_the_editor_refuses_a_field_a_step_cannot_set_and_an_unknown_capability(db):
    install_workflows()
    step = WorkflowTransition.objects.get(workflow__ticket_type="complaint", code="archive")
    data = {
        "workflow": step.workflow_id, "code": step.code, "name": step.name, "source": step.source_id,
        "target": step.target_id, "capability": "tickets.anything", "position": step.position,
        "required_fields": ["title"], "effect": step.effect,
    }  # fmt: skip
    form = WorkflowTransitionForm(data, instance=step)
    assert not form.is_valid()
    assert set(form.errors) == {"required_fields", "capability"}


def test_the_category_tree_editor_is_in_chinese(client_for, staff_admin):
    page = client_for(staff_admin).get(reverse("admin:tickets_category_add")).content.decode()
    assert "相对于" in page and "作为其下级" in page and "-- 顶级 --" in page
    assert "Relative to" not in page and "Child of" not in page
