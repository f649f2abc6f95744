from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleEvent(models.TextChoices):
    """What creates a callback task (回访任务)."""

    CLOSED = "closed", _("A request is closed")
    STATE_REACHED = "state_reached", _("A request reaches a workflow state")


class DueUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class OnUnsatisfied(models.TextChoices):
    REOPEN = "reopen", _("Reopen the request (or send it back to handling)")
    NEW_COMPLAINT = "new_complaint", _("Open a new complaint linked to it")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("To call")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Unreachable")
    CANCELLED = "cancelled", _("Cancelled")
    # Not called long after its due time (CallbackRule.expire_after_days): off the desk, with the reason.
    EXPIRED = "expired", _("Expired")


class Satisfaction(models.TextChoices):
    """The four answers of the seed 002 script; 一般 and 不满意 take the same follow-up branch
    and do not count as satisfied (SPEC §6, §14)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    AVERAGE = "average", _("Average")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SATISFIED_RESULTS = frozenset({Satisfaction.SATISFIED, Satisfaction.BASICALLY})


class AttemptOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Line busy")
    CALL_LATER = "call_later", _("Customer asked to be called later")
    WRONG_NUMBER = "wrong_number", _("Wrong or invalid number")
