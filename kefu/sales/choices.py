from django.db import models
from django.utils.translation import gettext_lazy as _


class ProspectStage(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTACTED = "contacted", _("Contacted")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# Stages a prospect may still move between; won and lost end the pipeline.
OPEN_STAGES = (ProspectStage.LEAD, ProspectStage.CONTACTED, ProspectStage.PROPOSAL)


class ProspectSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    OUTBOUND = "outbound", _("Outbound call")
    CAMPAIGN = "campaign", _("Marketing campaign")
    INBOUND = "inbound", _("Came to us (call or counter)")
    VISIT = "visit", _("Field visit")
    EXHIBITION = "exhibition", _("Exhibition or event")
    OTHER = "other", _("Other")


class CampaignKind(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound marketing")
    CONVERSION = "conversion", _("Conversion")


class CampaignResult(models.TextChoices):
    PENDING = "pending", _("Not worked yet")
    UNREACHABLE = "unreachable", _("Not reached")
    REACHED = "reached", _("Reached")
    INTERESTED = "interested", _("Interested")
    CONVERTED = "converted", _("Converted")
    DECLINED = "declined", _("Declined")


class TargetMetric(models.TextChoices):
    NEW_CUSTOMERS = "new_customers", _("New customers")
    REVENUE = "revenue", _("Revenue (yuan)")
    RETENTION = "retention", _("Retention of named group customers (%)")
