"""Installing the shipped workflows (idempotent: existing ones are left as the admin edited them)."""

from django.db import transaction

from ..choices import TicketType
from ..models import Category, RootCause, Workflow, WorkflowState, WorkflowTransition
from ..presets import DEFAULT_CATEGORIES, DEFAULT_ROOT_CAUSES, DEFAULT_WORKFLOWS


@transaction.atomic
def workflows_install_defaults() -> int:
    """Create the default workflow of every type that has none yet; returns how many were made.
    The root-cause list the complaint's archiving step picks from comes with them."""
    root_causes_install_defaults()
    made = 0
    for ticket_type, spec in DEFAULT_WORKFLOWS.items():
        workflow, created = Workflow.objects.get_or_create(ticket_type=ticket_type, defaults={"name": spec.name})
        if not created:
            continue
        made += 1
        states = {}
        for position, state in enumerate(spec.states):
            states[state.code] = WorkflowState.objects.create(
                workflow=workflow, code=state.code, name=state.name, kind=state.kind, is_initial=state.initial,
                stops_arrival_clock=state.stops_arrival_clock, position=position,
            )  # fmt: skip
        for position, step in enumerate(spec.transitions):
            transition = WorkflowTransition(
                workflow=workflow, code=step.code, name=step.name, source=states[step.source],
                target=states[step.target], capability=step.capability, required_fields=step.required,
                effect=step.effect, position=position,
            )  # fmt: skip
            transition.full_clean()  # the admin's rules (WorkflowTransition.clean) hold for presets too
            transition.save()
    return made


@transaction.atomic
def categories_install_defaults() -> int:
    """Create the preset complaint categories once (by code); returns how many were made."""
    made = 0
    for top_index, (top_name, children) in enumerate(DEFAULT_CATEGORIES.items(), start=1):
        top_code = f"C{top_index:02d}"
        top = Category.objects.filter(code=top_code).first()
        if top is None:
            top = Category.objects.add_root({"name": top_name, "code": top_code, "ticket_type": TicketType.COMPLAINT})
            made += 1
        for child_index, child_name in enumerate(children, start=1):
            code = f"{top_code}{child_index:02d}"
            if not Category.objects.filter(code=code).exists():
                Category.objects.add_child(top, {"name": child_name, "code": code, "ticket_type": TicketType.COMPLAINT})
                made += 1
    return made


def root_causes_install_defaults() -> int:
    """Fill an empty root-cause list with the preset classes; a list an admin has started is
    left as it is (a class they removed does not come back). Returns how many were made."""
    if RootCause.objects.exists():
        return 0
    RootCause.objects.bulk_create(RootCause(name=name, position=i) for i, name in enumerate(DEFAULT_ROOT_CAUSES))
    return len(DEFAULT_ROOT_CAUSES)
