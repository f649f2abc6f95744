"""Reads of grading: proposals and grades within the reader's customer scope."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kefu.core.errors import PermissionDeniedError
from kefu.customers.selectors import business_file_visible, customers_visible_to
from kefu.org.permissions import has_capability

from .choices import ProposalStatus
from .explain import Explanation, explain_score
from .models import GradeChange, GradeProposal, GradeScore, GradingRun, GradingScheme


def schemes_visible_to(user) -> QuerySet[GradingScheme]:
    """Schemes are configuration: anyone who may see grades may read the rules behind them."""
    if not has_capability(user, "grading.view"):
        return GradingScheme.objects.none()
    return GradingScheme.objects.prefetch_related("criteria")


def get_scheme_for_user(user, scheme_id: int, *, capability: str = "grading.view") -> GradingScheme:
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(GradingScheme.objects.prefetch_related("criteria"), pk=scheme_id)


def runs_visible_to(user) -> QuerySet[GradingRun]:
    if not has_capability(user, "grading.view"):
        return GradingRun.objects.none()
    return GradingRun.objects.select_related("scheme", "started_by")


def get_run_for_user(user, run_id: int) -> GradingRun:
    if not has_capability(user, "grading.view"):
        raise PermissionDeniedError()
    return get_object_or_404(runs_visible_to(user), pk=run_id)


def proposals_visible_to(user) -> QuerySet[GradeProposal]:
    """Proposals of the customers the user may see (customers_visible_to): an account manager
    their own customers', a supervisor their subtree's, admin and auditor all."""
    if not has_capability(user, "grading.view"):
        return GradeProposal.objects.none()
    return GradeProposal.objects.filter(customer__in=customers_visible_to(user).values("pk"))


def pending_proposals_for(user) -> QuerySet[GradeProposal]:
    """Grade changes awaiting approval among the user's customers (the books show them)."""
    return proposals_visible_to(user).filter(status=ProposalStatus.PENDING)


def filter_proposals(proposals: QuerySet[GradeProposal], *, status="", to_tier="", run=None, scheme=None):
    if status:
        proposals = proposals.filter(status=status)
    if to_tier:
        proposals = proposals.filter(to_tier=to_tier)
    if run:
        proposals = proposals.filter(run_id=run)
    if scheme:
        proposals = proposals.filter(run__scheme_id=scheme)
    return proposals.select_related("customer", "run__scheme", "decided_by").order_by("-id")


def latest_score(customer_id: int) -> GradeScore | None:
    """The customer's score in the newest run that graded them (of the scheme in use, if any)."""
    scores = GradeScore.objects.filter(customer_id=customer_id).select_related("run__scheme").order_by("-run_id")
    return scores.filter(run__scheme__in_use=True).first() or scores.first()


def grade_history(customer_id: int, *, limit: int | None = None) -> list[GradeChange]:
    changes = GradeChange.objects.filter(customer_id=customer_id).select_related("actor", "score__run")
    return list(changes[:limit] if limit else changes)


def customer_grade(user, customer_id: int) -> dict | None:
    """What the customer 360 page and the API show: the current explanation, the pending
    proposal and the history; None if the user may not see grades or the customer."""
    if not has_capability(user, "grading.view"):
        return None
    customer = customers_visible_to(user).select_related("org_unit").filter(pk=customer_id).first()
    if customer is None:
        return None
    # The explanation shows the customer's volumes and revenue: part of its business file, which
    # a group customer keeps to its key-account team (customers.selectors.business_file_visible).
    business_file = business_file_visible(user, customer)
    score = latest_score(customer_id)
    explanation: Explanation | None = explain_score(score) if score and business_file else None
    pending = GradeProposal.objects.filter(customer_id=customer_id, status=ProposalStatus.PENDING).first()
    history = grade_history(customer_id)
    return {
        "score": score,
        "explanation": explanation,
        "pending": pending,
        "history": history,
        "business_file": business_file,
    }
