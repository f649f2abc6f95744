from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    INQUIRY = "inquiry", _("Inquiry")
    REPAIR = "repair", _("Repair / fault")
    SERVICE = "service", _("Service request")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    REPORT = "report", _("Report")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone hotline")
    COUNTER = "counter", _("Counter / walk-in")
    PORTAL = "portal", _("Web portal")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat / app")
    VISIT = "visit", _("Visit")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class StateKind(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for the customer (clock paused)")
    FINAL = "final", _("Closed")


class TransitionEffect(models.TextChoices):
    """What a step records besides the move, whatever an admin calls the step."""

    MARK_VALID = "mark_valid", _("Marks the complaint valid")
    MARK_INVALID = "mark_invalid", _("Marks the complaint invalid")
    # Taken by the callbacks app when a callback's result is recorded (kefu.callbacks.services):
    # the customer was satisfied (满意/基本满意/一般), or unsatisfied and the request goes back.
    CALLBACK_DONE = "callback_done", _("Completes the callback step")
    CALLBACK_UNSATISFIED = "callback_unsatisfied", _("Callback unsatisfied: handle again")


# The steps only a recorded callback result takes (never offered or taken by hand).
CALLBACK_EFFECTS = frozenset({TransitionEffect.CALLBACK_DONE, TransitionEffect.CALLBACK_UNSATISFIED})


class EventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    TRANSITION = "transition", _("Status changed")
    REPLY = "reply", _("Reply to the customer")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Transfer accepted")
    TRANSFER_RETURNED = "transfer_returned", _("Transfer returned")
    TRANSFER_WITHDRAWN = "transfer_withdrawn", _("Transfer withdrawn: the request was closed")
    ASSIGNED = "assigned", _("Assigned")
    SUPERVISED = "supervised", _("Put under supervision")
    SUPERVISION_LIFTED = "supervision_lifted", _("Supervision lifted")
    MERGED = "merged", _("Merged into another request")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    EXTENSION_WITHDRAWN = "extension_withdrawn", _("Extension request withdrawn: the request was closed")
    SLA_WARNING = "sla_warning", _("Time limit warning")
    SLA_BREACHED = "sla_breached", _("Time limit breached")
    ESCALATED = "escalated", _("Escalated")
    REMINDED = "reminded", _("Reminder sent")
    CUSTOMER_LINKED = "customer_linked", _("Linked to a customer")
    HANDED_OVER = "handed_over", _("Handed over by a leaving account manager")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving department")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn: the request was closed")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn: the request was closed")


class AssignmentRule(models.TextChoices):
    MANUAL = "manual", _("By hand")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
