from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from kefu.core.models import TimeStampedModel, VersionedModel

from .choices import (
    AssignmentRule,
    Channel,
    EventKind,
    ExtensionStatus,
    Priority,
    StateKind,
    TicketType,
    TransferStatus,
    TransitionEffect,
)


class Category(MP_Node):
    """A node of the request category tree (e.g. 停送电 → 计划停电 → 未提前通知)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    ticket_type = models.CharField(_("request type"), max_length=20, choices=TicketType.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class RootCause(models.Model):
    """A root-cause class (原因分类) of the list an admin keeps: archiving a complaint picks one,
    so the complaint report counts each class once instead of once per spelling typed."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("root-cause class")
        verbose_name_plural = _("root-cause classes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Workflow(models.Model):
    """The states and allowed transitions of one request type, editable by an admin."""

    ticket_type = models.CharField(_("request type"), max_length=20, choices=TicketType.choices, unique=True)
    name = models.CharField(_("name"), max_length=100)
    assignment_rule = models.CharField(
        _("assignment rule"), max_length=20, choices=AssignmentRule.choices, default=AssignmentRule.MANUAL
    )

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")

    def __str__(self):
        return self.name


class WorkflowState(models.Model):
    """A state of a workflow. `kind` says whether the clock runs, pauses or has stopped;
    `stops_arrival_clock` marks the state that means staff reached the site (a repair's 到达现场),
    so the behaviour follows the data whatever an admin renames the state to."""

    workflow = models.ForeignKey(Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="states")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=StateKind.choices, default=StateKind.OPEN)
    is_initial = models.BooleanField(_("initial state"), default=False)
    stops_arrival_clock = models.BooleanField(
        _("arrival on site"), default=False, help_text=_("Reaching this state stops the on-site arrival time limit.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workflow state")
        verbose_name_plural = _("workflow states")
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="state_code_unique_per_workflow"),
            models.UniqueConstraint(
                fields=["workflow"], condition=Q(is_initial=True), name="one_initial_state_per_workflow"
            ),
        ]

    def __str__(self):
        return self.name

    # What the lifecycle hooks' listeners (the sla clocks) read, so they need not know StateKind.
    @property
    def is_final(self) -> bool:
        return self.kind == StateKind.FINAL

    @property
    def is_waiting(self) -> bool:
        return self.kind == StateKind.WAITING


class WorkflowTransition(models.Model):
    """An allowed move between two states, with who may make it and what it needs.

    `required_fields` names ticket fields that must be filled in the same step (e.g. the reason
    for an invalid complaint, the resolution plan, the root cause at archiving). `effect` is what
    the step records besides the move (a complaint judged valid or invalid), kept on the data so
    that renaming the step's code changes nothing.
    """

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="transitions"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    source = models.ForeignKey(
        WorkflowState, verbose_name=_("from state"), on_delete=models.CASCADE, related_name="outgoing"
    )
    target = models.ForeignKey(
        WorkflowState, verbose_name=_("to state"), on_delete=models.CASCADE, related_name="incoming"
    )
    capability = models.CharField(_("capability needed"), max_length=50, default="tickets.handle")
    required_fields = models.JSONField(_("fields required"), default=list, blank=True)
    effect = models.CharField(_("effect"), max_length=20, choices=TransitionEffect.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "source", "code"], name="transition_code_unique_per_source"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    def clean(self):
        """The rule for every way a step is saved: the admin's editor and the presets."""
        from kefu.org.permissions import STEP_CAPABILITIES

        super().clean()
        if self.capability not in STEP_CAPABILITIES:
            raise ValidationError(
                {"capability": _("“%(value)s” is not a capability a workflow step can require.")
                 % {"value": self.capability}}
            )  # fmt: skip


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        """These requests narrowed to those `user` may see (selectors.tickets_visible_to), for
        choice fields, serializers and services: one data-scope path for related objects."""
        from .selectors import tickets_visible_to

        return self & tickets_visible_to(user)


class Ticket(TimeStampedModel, VersionedModel):
    """A service request or complaint, taken through its workflow to closure.

    `owner` is the first responder (首问负责制): whoever registered the request stays
    responsible until closure or an accepted transfer. `due_at` mirrors the resolution
    clock so that queues sort and filter on one table; how the request stands against its time
    limits (ok / warning / breached) is read from the clocks (kefu.sla.selectors).
    """

    ticket_type = models.CharField(_("type"), max_length=20, choices=TicketType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    state = models.ForeignKey(WorkflowState, verbose_name=_("status"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    remedy_requested = models.TextField(_("remedy requested"), blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,  # ticket_customer_idx leads with it
    )
    caller_name = models.CharField(_("caller name"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_tickets",
        db_index=False,  # ticket_owner_idx leads with it
    )
    department = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,  # ticket_dept_state_idx leads with it
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,  # ticket_assignee_idx leads with it
    )
    is_valid = models.BooleanField(_("valid complaint"), null=True, blank=True)
    invalid_reason = models.TextField(_("reason it is invalid"), blank=True)
    resolution_plan = models.TextField(_("resolution plan"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    cause_class = models.ForeignKey(
        RootCause,
        verbose_name=_("cause classification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # read by the complaint report's grouping only, never looked up by
    )
    supervised = models.BooleanField(_("supervised"), default=False)
    # The customer's tier carries the green channel (绿色通道): the request comes first in every
    # queue. Kept on the request (not joined from the customer's tier) so that the queues' partial
    # indexes can lead with it; set at registration and kept in step with the customer's tier
    # (services/green_channel.py). db_default: rows written without the ORM (bulk COPY) get False.
    green_channel = models.BooleanField(_("green channel"), default=False, db_default=False, editable=False)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    resolved_on_first_contact = models.BooleanField(_("resolved on first contact"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Bigrams of title and description for keyword search (kefu.core.search); indexed on PostgreSQL.
    search_grams = models.TextField(blank=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, null=True, blank=True)
    # Read only with an idempotency key: the (created_by, idempotency_key) constraint's index
    # serves that; no index of its own (one more to write on every creation, as for event actors).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["department", "state", "-id"], name="ticket_dept_state_idx"),
            models.Index(fields=["owner", "-id"], name="ticket_owner_idx"),
            models.Index(fields=["assignee", "-id"], name="ticket_assignee_idx"),
            models.Index(fields=["customer", "-id"], name="ticket_customer_idx"),
            models.Index(fields=["due_at"], name="ticket_due_idx", condition=Q(closed_at__isnull=True)),
            # The deadline queues in their order (green channel first, then the nearest deadline);
            # the index above still answers their date ranges and counts.
            models.Index(
                fields=["-green_channel", "due_at"],
                name="ticket_open_green_due_idx",
                condition=Q(closed_at__isnull=True),
            ),
            # Open requests are a tenth of the table: the queues and their capped counts read
            # these small partial indexes newest first instead of the whole table. The queues'
            # indexes lead with green_channel: green-channel requests come first in every queue
            # (tickets/selectors.filter_tickets), and the walk still reads only one page.
            models.Index(fields=["-green_channel", "-id"], name="ticket_open_idx", condition=Q(closed_at__isnull=True)),
            # The closed queue, newest first: walking the whole table's primary key passed every
            # open request (the newest) before the first closed one.
            # A request enters it when it closes; creating one does not write it.
            models.Index(
                fields=["-green_channel", "-id"], name="ticket_closed_idx", condition=Q(closed_at__isnull=False)
            ),
            models.Index(
                fields=["department", "state", "-green_channel", "-id"],
                name="ticket_open_dept_state_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["-green_channel", "-id"],
                name="ticket_open_unassigned_idx",
                condition=Q(closed_at__isnull=True, assignee=None),
            ),
            # "Mine" (owner or handler) on open requests: two small partial indexes OR-ed together.
            # With only the full (owner, -id) index PostgreSQL AND-ed the owner's rows with the
            # whole open-due index, for every queue page's tab counts.
            models.Index(
                fields=["owner", "-green_channel", "-id"],
                name="ticket_open_owner_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["assignee", "-green_channel", "-id"],
                name="ticket_open_assignee_idx",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["-green_channel", "-id"],
                name="ticket_open_supervised_idx",
                condition=Q(closed_at__isnull=True, supervised=True),
            ),
            models.Index(fields=["ticket_type", "created_at"], name="ticket_type_created_idx"),
            # Callers are looked up by exact number; most requests have a customer and no number.
            models.Index(fields=["caller_phone"], name="ticket_caller_phone_idx", condition=~Q(caller_phone="")),
        ]
        # A constraint, not unique=True: exact lookups only, so no second (LIKE) index on PostgreSQL.
        # Per registering user: a key chosen by one caller must never reach another's request.
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="ticket_creator_idempotency_key_uniq"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The number read out to callers: registration date and id, e.g. 20261123-4711.

        Derived rather than stored, so that creating a request needs no shared counter row.
        """
        return request_number(self.pk, self.created_at) if self.pk and self.created_at else ""


def now():
    """The current time, looked up when called (so that a frozen clock in tests applies)."""
    return timezone.now()


def request_number(pk: int, created_at) -> str:
    """Registration date (local) and id: what Ticket.number shows, without building a Ticket."""
    day = timezone.localtime(created_at)
    return f"{day.year:04d}{day.month:02d}{day.day:02d}-{pk}"  # strftime's work, a third of its time


class TicketEvent(models.Model):
    """Everything that happened to a request, in order: the request's own timeline."""

    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # ticket_event_ticket_idx leads
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    # Events are read per request only (ticket_event_ticket_idx); indexes on these keys would
    # be written by every event (a mass breach writes hundreds of thousands) and read by nothing
    # but the rare deletion of a user or a workflow state.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    from_state = models.ForeignKey(
        WorkflowState, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    to_state = models.ForeignKey(
        WorkflowState, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    body = models.TextField(_("text"), blank=True)
    is_internal = models.BooleanField(_("internal"), default=False)
    data = models.JSONField(default=dict, blank=True)
    # A default, not auto_now_add: a time-limit stamp kept as an event keeps the stamp's time.
    created_at = models.DateTimeField(_("time"), default=now)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"

    def details(self) -> list[tuple[str, str]]:
        """What the event set, as (label, value) for the timelines: the fields a step filled in
        (the department dispatched to, the plan, the reason a complaint is invalid, …) and the
        deadline an extension asked for or moved to."""
        shown = []
        for name, value in (self.data or {}).get("fields", {}).items():
            try:
                shown.append((str(Ticket._meta.get_field(name).verbose_name), value))
            except FieldDoesNotExist:
                continue  # a field removed since the event was written: nothing to label it by
        due = parse_datetime((self.data or {}).get("new_due_at") or "")
        if due is not None:
            label = _("deadline asked for") if self.kind == EventKind.EXTENSION_REQUESTED else _("new deadline")
            shown.append((str(label), f"{timezone.localtime(due):%Y-%m-%d %H:%M}"))
        return shown


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    is_internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Transfer(models.Model):
    """A formal transfer (转办) to another department, accepted or returned by it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="transfers")
    from_department = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, null=True, related_name="+")
    to_department = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="one_pending_transfer_per_ticket"
            )
        ]

    def __str__(self):
        return f"{self.ticket_id} → {self.to_department_id}"


class ExtensionRequest(models.Model):
    """A request for more time, which must be made before the deadline and approved."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    new_due_at = models.DateTimeField(_("new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self):
        return f"{self.ticket_id} → {self.new_due_at:%Y-%m-%d}"


class AssignmentCursor(models.Model):
    """Where round-robin assignment in a department stopped last time."""

    department = models.OneToOneField("org.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self):
        return f"{self.department_id}: {self.last_user_id}"
