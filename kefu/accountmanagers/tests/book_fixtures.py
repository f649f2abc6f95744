"""Shared pieces of the books' tests: a pending grade proposal, a note, a request."""

from datetime import date

from kefu.core import config_cache
from kefu.customers.models import CustomerNote, Tier
from kefu.grading.choices import ProposalStatus, RunTrigger
from kefu.grading.models import GradeProposal, GradingRun, GradingScheme
from kefu.tickets.tests.factories import TicketFactory, install_workflows


def pending_proposal(customer, to_tier: str) -> GradeProposal:
    """A grade change a grading run proposed for `customer`, not yet decided."""
    scheme, _ = GradingScheme.objects.get_or_create(name="测试方案")
    run = GradingRun.objects.create(scheme=scheme, as_of=date(2026, 12, 1), trigger=RunTrigger.MANUAL)
    return GradeProposal.objects.create(
        run=run, customer=customer, from_tier=customer.tier, to_tier=to_tier, status=ProposalStatus.PENDING
    )


def note(customer, author, at=None) -> CustomerNote:
    made = CustomerNote.objects.create(customer=customer, author=author, text="电话回访，客户满意")
    if at is not None:
        CustomerNote.objects.filter(pk=made.pk).update(created_at=at)
    return made


def request_of(customer, owner, *, closed_at=None, created_at=None):
    install_workflows()
    ticket = TicketFactory(customer=customer, owner=owner, closed_at=closed_at)
    if created_at is not None:
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=created_at)
    return ticket


def default_tiers() -> None:
    """The tiers data migration 0005 makes (三星 green channel, 二星, 一星): a browser test's
    database is emptied after each test, data migrations included."""
    for code, rank, green in (("三星", 1, True), ("二星", 2, False), ("一星", 3, False)):
        Tier.objects.get_or_create(code=code, defaults={"label": code, "rank": rank, "green_channel": green})
    config_cache.forget_here()
