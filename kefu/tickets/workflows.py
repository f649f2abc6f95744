"""The workflows and the category tree as every request reads them, from the configuration cache.

Loading all states and moves takes three small queries; afterwards creating a request, listing
the moves it allows and drawing its page cost no query for them (kefu.core.config_cache says
how a change reaches every process).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from kefu.core import config_cache

from .models import Category, Workflow, WorkflowState, WorkflowTransition


@dataclass
class WorkflowGraph:
    """Every workflow's states by id, its initial state by request type, and the moves out of
    each state in their configured order (each move's source and target are the states here)."""

    states: dict[int, WorkflowState] = field(default_factory=dict)
    initial: dict[str, WorkflowState] = field(default_factory=dict)
    moves: dict[int, list[WorkflowTransition]] = field(default_factory=lambda: defaultdict(list))


def _load_graph() -> WorkflowGraph:
    graph = WorkflowGraph()
    workflows = {workflow.pk: workflow for workflow in Workflow.objects.all()}
    for state in WorkflowState.objects.order_by("workflow_id", "position", "id"):
        state.workflow = workflows[state.workflow_id]
        graph.states[state.pk] = state
        if state.is_initial:
            graph.initial.setdefault(state.workflow.ticket_type, state)
    for move in WorkflowTransition.objects.order_by("workflow_id", "position", "id"):
        move.source, move.target = graph.states[move.source_id], graph.states[move.target_id]
        graph.moves[move.source_id].append(move)
    return graph


def workflow_graph() -> WorkflowGraph:
    return config_cache.cached("tickets.workflows", _load_graph)


def _reloaded_graph() -> WorkflowGraph:
    """The graph loaded again: it lacks something another process may just have added."""
    config_cache.forget_here()
    return workflow_graph()


def state_by_id(state_id: int) -> WorkflowState:
    graph = workflow_graph()
    if state_id not in graph.states:
        graph = _reloaded_graph()
    return graph.states[state_id]


def initial_state(ticket_type: str) -> WorkflowState | None:
    graph = workflow_graph()
    if ticket_type not in graph.initial:
        graph = _reloaded_graph()
    return graph.initial.get(ticket_type)


def moves_from(state_id: int) -> list[WorkflowTransition]:
    """The moves out of a state in their configured order (whoever may make them)."""
    return list(workflow_graph().moves.get(state_id, []))


def move_from(state_id: int, code: str) -> WorkflowTransition | None:
    return next((move for move in moves_from(state_id) if move.code == code), None)


def state_ids_with_code(code: str) -> list[int]:
    """One id per workflow that has a state of this code (the workflows share codes)."""
    return [state.pk for state in workflow_graph().states.values() if state.code == code]


def state_choices() -> list[tuple[str, str]]:
    """One entry per state code, in workflow order: what a status filter offers."""
    seen: dict[str, str] = {}
    for state in sorted(workflow_graph().states.values(), key=lambda s: (s.position, s.pk)):
        seen.setdefault(state.code, state.name)
    return list(seen.items())


def attach_states(tickets) -> None:
    """Give each request its state (with its workflow) from the cache instead of a join: one
    look at the cache for the whole list."""
    graph = workflow_graph()
    for ticket in tickets:
        if ticket.state_id not in graph.states:
            graph = _reloaded_graph()
        ticket.state = graph.states[ticket.state_id]


def categories_by_id() -> dict[int, Category]:
    return config_cache.cached("tickets.categories", lambda: {c.pk: c for c in Category.objects.all()})


def attach_category(ticket) -> None:
    if ticket.category_id is None:
        return
    categories = categories_by_id()
    if ticket.category_id not in categories:
        config_cache.forget_here()
        categories = categories_by_id()
    ticket.category = categories[ticket.category_id]
