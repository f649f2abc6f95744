"""Business rules on what a change points at, and separation of duties, each checked once through
the page and the API (and the service they share): the same refusal, and nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.conftest import api
from kefu.core.errors import PermissionDeniedError
from kefu.customers.tests.factories import CustomerFactory
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.tickets import presets, selectors, services
from kefu.tickets.models import Category, ExtensionRequest, Ticket, TicketEvent, Workflow, WorkflowTransition
from kefu.tickets.tests.factories import TicketFactory

VIA = ["page", "api", "service"]
COMPLAINT = {"ticket_type": "complaint", "channel": "phone", "title": "计划停电未通知", "description": "停电8小时"}


# -- An assignee must hold a handling role in the department the request goes to ---------------


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("who", ["auditor", "handler of another branch"])
def test_an_assignee_must_handle_requests_in_the_target_department(
    via, who, client_for, supervisor, auditor, handler, own_ticket, org
):
    assignee = auditor if who == "auditor" else handler  # `handler` works in the west branch
    department = org["east_team"]
    if via == "page":
        url = reverse("tickets:assign", args=[own_ticket.pk])
        response = client_for(supervisor).post(url, {"assignee": assignee.pk, "department": department.pk})
        assert response.status_code == 200 and set(response.context["form"].errors) == {"assignee"}
    elif via == "api":
        url = reverse("api-request-assign", args=[own_ticket.pk])
        response = api(supervisor).post(url, {"assignee": assignee.pk, "department": department.pk}, format="json")
        assert response.status_code == 400 and set(response.json()) == {"assignee"}
    else:
        with pytest.raises(ValidationError) as error:
            services.ticket_assign(actor=supervisor, ticket=own_ticket, assignee=assignee, department=department)
        assert set(error.value.message_dict) == {"assignee"}
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert (ticket.assignee_id, ticket.department_id, ticket.version) == (None, None, own_ticket.version)
    assert not TicketEvent.objects.filter(ticket=ticket, kind="assigned").exists()


@pytest.mark.parametrize("via", VIA)
def test_a_handler_of_the_target_department_is_assigned(via, client_for, supervisor, own_ticket, org):
    crew = UserFactory(username="crew", role=Role.HANDLER, org_unit=org["east_team"])
    body = {"assignee": crew.pk, "department": org["east"].pk}  # a team below the department is in it
    if via == "page":
        client_for(supervisor).post(reverse("tickets:assign", args=[own_ticket.pk]), body)
    elif via == "api":
        assert api(supervisor).post(reverse("api-request-assign", args=[own_ticket.pk]), body).status_code == 200
    else:
        services.ticket_assign(actor=supervisor, ticket=own_ticket, assignee=crew, department=org["east"])
    assert Ticket.objects.get(pk=own_ticket.pk).assignee == crew


# -- A category must be active ---------------------------------------------------------------


@pytest.mark.parametrize("via", VIA)
def test_a_request_cannot_be_registered_in_an_inactive_category(via, client_for, agent, own_customer):
    retired = Category.add_root(name="旧分类", code="OLD", ticket_type="complaint", is_active=False)
    if via == "page":
        data = {**COMPLAINT, "priority": "normal", "customer": own_customer.pk, "category": retired.pk, "token": "t"}
        response = client_for(agent).post(reverse("tickets:create"), data)
        assert response.status_code == 200 and set(response.context["form"].errors) == {"category"}
    elif via == "api":
        body = {**COMPLAINT, "customer": own_customer.pk, "category": retired.pk}
        response = api(agent).post(reverse("api-request-list"), body, format="json")
        assert response.status_code == 400 and set(response.json()) == {"category"}
    else:
        with pytest.raises(ValidationError) as error:
            services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer, category=retired)
        assert set(error.value.message_dict) == {"category"}
    assert not Ticket.objects.exists()


# -- A workflow step's capability is one of a fixed list ----------------------------------------


def _admin_change_data(response) -> dict:
    """The admin change form's POST as the browser would send it unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool) or value is None:
                if value:
                    data[bound.html_name] = "on"
                continue
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


@pytest.mark.parametrize("via", ["admin page", "preset"])
def test_a_workflow_step_must_require_a_known_capability(via, client_for, org, monkeypatch):
    if via == "admin page":
        admin = UserFactory(username="root", role=Role.ADMIN, org_unit=org["company"], is_staff=True, is_superuser=True)
        client = client_for(admin)
        workflow = Workflow.objects.get(ticket_type="complaint")
        step = workflow.transitions.get(code="approve_plan")
        url = reverse("admin:tickets_workflow_change", args=[workflow.pk])
        data = _admin_change_data(client.get(url))
        ids = {
            value: key[: -len("-id")]
            for key, value in data.items()
            if key.startswith("transitions-") and key.endswith("-id")
        }
        data[f"{ids[str(step.pk)]}-capability"] = "tickets.anything"
        response = client.post(url, data)
        assert response.status_code == 200  # the form again, with the error on the step's capability
        errors = [form.errors for inline in response.context["inline_admin_formsets"] for form in inline.formset]
        assert any("capability" in form_errors for form_errors in errors)
        assert WorkflowTransition.objects.get(pk=step.pk).capability == "tickets.approve"
    else:
        Workflow.objects.filter(ticket_type="complaint").delete()
        spec = presets.DEFAULT_WORKFLOWS["complaint"]
        bad = presets.TransitionSpec("approve_plan", "批准方案", "plan_proposed", "implementing", capability="approve")
        steps = [bad if step.code == "approve_plan" else step for step in spec.transitions]
        monkeypatch.setitem(presets.DEFAULT_WORKFLOWS, "complaint", presets.WorkflowSpec(spec.name, spec.states, steps))
        from kefu.tickets.services.setup import workflows_install_defaults

        with pytest.raises(ValidationError) as error:
            workflows_install_defaults()
        assert "capability" in error.value.message_dict
        assert not Workflow.objects.filter(ticket_type="complaint").exists()


def test_a_known_capability_passes_the_model_check():
    step = WorkflowTransition.objects.filter(capability="tickets.approve").first()
    step.full_clean()  # no error


# -- Separation of duties ----------------------------------------------------------------------


def _propose(ticket, agent, proposer):
    services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge")
    services.ticket_transition(actor=agent, ticket=ticket, code="assess_valid")
    return services.ticket_transition(
        actor=proposer, ticket=ticket, code="propose_plan", fields={"resolution_plan": "上门道歉并赔偿"}
    )


@pytest.mark.parametrize("via", VIA)
def test_nobody_approves_their_own_resolution_plan(via, client_for, agent, supervisor, second_supervisor, own_ticket):
    ticket = _propose(own_ticket, agent, supervisor)
    if via == "page":
        url = reverse("tickets:transition", args=[ticket.pk, "approve_plan"])
        response = client_for(supervisor).post(url, {"version": ticket.version})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
    elif via == "api":
        url = reverse("api-request-transition", args=[ticket.pk])
        assert api(supervisor).post(url, {"code": "approve_plan"}, format="json").status_code == 403
    else:
        with pytest.raises(PermissionDeniedError):
            services.ticket_transition(actor=supervisor, ticket=ticket, code="approve_plan")
    unchanged = Ticket.objects.get(pk=ticket.pk)
    assert unchanged.state.code == "plan_proposed" and unchanged.version == ticket.version
    # The page and the API do not offer it to the proposer; another approver decides.
    assert "approve_plan" not in {move.code for move in selectors.available_transitions(supervisor, unchanged)}
    assert "approve_plan" in {move.code for move in selectors.available_transitions(second_supervisor, unchanged)}
    approved = services.ticket_transition(actor=second_supervisor, ticket=unchanged, code="approve_plan")
    assert approved.state.code == "implementing"


@pytest.mark.parametrize("via", VIA)
def test_nobody_decides_on_their_own_deadline_extension(via, client_for, supervisor, second_supervisor, own_ticket):
    due = timezone.now() + timedelta(hours=10)
    Ticket.objects.filter(pk=own_ticket.pk).update(due_at=due)
    own_ticket.refresh_from_db()
    extension = services.ticket_extension_request(
        actor=supervisor, ticket=own_ticket, new_due_at=due + timedelta(days=2), reason="需协调施工队"
    )
    if via == "page":
        url = reverse("tickets:extension_decide", args=[own_ticket.pk])
        response = client_for(supervisor).post(url, {"decision": "approve"})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
    elif via == "api":
        url = reverse("api-extension-decide", args=[extension.pk])
        assert api(supervisor).post(url, {"approve": True}, format="json").status_code == 403
    else:
        with pytest.raises(PermissionDeniedError):
            services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "pending"
    assert Ticket.objects.get(pk=own_ticket.pk).due_at == due
    services.ticket_extension_decide(actor=second_supervisor, extension=extension, approve=True)
    assert Ticket.objects.get(pk=own_ticket.pk).due_at == extension.new_due_at


# -- One data-scope path for related objects ---------------------------------------------------


@pytest.mark.parametrize("via", VIA)
def test_a_request_is_linked_only_to_a_customer_in_the_actors_scope(via, client_for, manager, foreign_customer):
    ticket = TicketFactory(owner=manager, customer=None, caller_name="王先生", caller_phone="13800001111")
    if via == "page":
        url = reverse("tickets:link_customer", args=[ticket.pk])
        response = client_for(manager).post(url, {"customer": foreign_customer.pk})
        assert response.status_code == 200 and set(response.context["form"].errors) == {"customer"}
    elif via == "api":
        url = reverse("api-request-link-customer", args=[ticket.pk])
        response = api(manager).post(url, {"customer": foreign_customer.pk}, format="json")
        assert response.status_code == 400 and set(response.json()) == {"customer"}
    else:
        with pytest.raises(ValidationError) as error:
            services.ticket_link_customer(actor=manager, ticket=ticket, customer=foreign_customer)
        assert set(error.value.message_dict) == {"customer"}
    assert Ticket.objects.get(pk=ticket.pk).customer_id is None


@pytest.mark.parametrize("via", VIA)
def test_a_request_is_merged_only_into_one_in_the_actors_scope(via, client_for, supervisor, own_ticket, other_manager):
    foreign = TicketFactory(owner=other_manager, customer=CustomerFactory(account_manager=other_manager))
    if via == "page":
        response = client_for(supervisor).post(reverse("tickets:merge", args=[own_ticket.pk]), {"number": foreign.pk})
        assert response.status_code == 200 and set(response.context["form"].errors) == {"number"}
    elif via == "api":
        url = reverse("api-request-merge", args=[own_ticket.pk])
        response = api(supervisor).post(url, {"into": foreign.pk}, format="json")
        assert response.status_code == 400 and set(response.json()) == {"into"}
    else:
        with pytest.raises(ValidationError):
            services.ticket_merge(actor=supervisor, ticket=own_ticket, into=foreign)
    assert Ticket.objects.get(pk=own_ticket.pk).merged_into_id is None
