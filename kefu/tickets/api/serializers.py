"""JSON shapes of requests. Rules are in the services; these only read and describe."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.masking import mask_phone
from kefu.core.schema import text_choice
from kefu.core.scope import ScopedPrimaryKeyRelatedField
from kefu.customers.models import Customer
from kefu.org.models import User
from kefu.sla.choices import Metric, SlaState
from kefu.sla.models import SlaClock
from kefu.sla.selectors import time_limit_state
from kefu.tickets.choices import Channel, Priority, TicketType
from kefu.tickets.models import Attachment, Ticket, TicketEvent, WorkflowTransition
from kefu.tickets.selectors import assignable_staff


class TransitionSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target.code")
    target_name = serializers.CharField(source="target.name")

    class Meta:
        model = WorkflowTransition
        fields = ["code", "name", "target", "target_name", "required_fields"]


class TicketSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    state = serializers.CharField(source="state.code")
    state_name = serializers.CharField(source="state.name")
    caller_phone = serializers.SerializerMethodField()
    sla_state = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="customer.name", default="")

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "ticket_type", "channel", "priority", "state", "state_name", "title", "description",
            "remedy_requested", "customer", "customer_name", "caller_name", "caller_phone", "category", "owner",
            "department", "assignee", "is_valid", "invalid_reason", "resolution_plan", "resolution", "root_cause",
            "cause_class", "supervised", "green_channel", "merged_into", "reopen_count", "due_at", "sla_state",
            "closed_at",
            "version", "created_at", "updated_at",
        ]  # fmt: skip

    def get_caller_phone(self, ticket) -> str:
        return mask_phone(ticket.caller_phone)

    @extend_schema_field(serializers.ChoiceField(choices=SlaState.choices))
    def get_sla_state(self, ticket) -> str:
        """ok / warning / breached: annotated on lists, read from the clocks for one request."""
        if hasattr(ticket, "sla_state"):
            return ticket.sla_state
        return time_limit_state(ticket.sla_clocks.all())


PROVISIONAL_HELP = (
    "true when the deadline falls in a year whose official holiday schedule (the State Council's "
    "notice) is not entered yet: it was computed by the statutory rule and may move once the "
    "notice is entered"
)


class TimeLimitSerializer(serializers.ModelSerializer):
    """One clock of a request: first response, arrival on site or resolution."""

    provisional = serializers.BooleanField(read_only=True, help_text=PROVISIONAL_HELP)

    class Meta:
        model = SlaClock
        fields = ["metric", "started_at", "due_at", "provisional", "paused_at", "stopped_at", "breached_at"]


class TicketDetailSerializer(TicketSerializer):
    """One request with the steps its reader may take now (`context["transitions"]`: they
    depend on the reader, not only on the request) and its time limits."""

    transitions = serializers.SerializerMethodField()
    due_at_provisional = serializers.SerializerMethodField(
        help_text=f"whether `due_at` (the resolution deadline) is provisional: {PROVISIONAL_HELP}"
    )
    time_limits = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "due_at_provisional", "time_limits", "transitions"]

    def _clocks(self, ticket) -> list[SlaClock]:
        """The request's clocks, read once per answer (a new request brings the ones it started)."""
        if getattr(self, "_clocks_of", (None,))[0] != ticket.pk:
            clocks = getattr(ticket, "started_clocks", None)
            self._clocks_of = (ticket.pk, list(ticket.sla_clocks.all()) if clocks is None else clocks)
        return self._clocks_of[1]

    @extend_schema_field(serializers.ChoiceField(choices=SlaState.choices))
    def get_sla_state(self, ticket) -> str:
        return ticket.sla_state if hasattr(ticket, "sla_state") else time_limit_state(self._clocks(ticket))

    def get_due_at_provisional(self, ticket) -> bool:
        return any(clock.provisional for clock in self._clocks(ticket) if clock.metric == Metric.RESOLUTION)

    @extend_schema_field(TimeLimitSerializer(many=True))
    def get_time_limits(self, ticket) -> list[dict]:
        return TimeLimitSerializer(self._clocks(ticket), many=True).data

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, ticket) -> list[dict]:
        return TransitionSerializer(self.context.get("transitions", []), many=True).data


_datetime = serializers.DateTimeField().to_representation  # DRF's format and time zone, as the serializers


def _when(value):
    return None if value is None else _datetime(value)


def _choice(value):
    return value if value in ("", None) else str(value)


def ticket_answer(ticket: Ticket, transitions) -> dict:
    """The JSON of one request, as `TicketDetailSerializer(ticket, context={"transitions": …})`
    writes it (its schema in the API documentation), built by hand: the serializer builds its
    fields from the model on every use, which is most of the cost of a request's creation.
    A test compares the two field for field, so that they cannot drift apart."""
    clocks = getattr(ticket, "started_clocks", None)
    if clocks is None:
        clocks = list(ticket.sla_clocks.all())
    sla_state = ticket.sla_state if hasattr(ticket, "sla_state") else time_limit_state(clocks)
    return {
        "id": ticket.pk,
        "number": str(ticket.number),
        "ticket_type": _choice(ticket.ticket_type),
        "channel": _choice(ticket.channel),
        "priority": _choice(ticket.priority),
        "state": str(ticket.state.code),
        "state_name": str(ticket.state.name),
        "title": ticket.title,
        "description": ticket.description,
        "remedy_requested": ticket.remedy_requested,
        "customer": ticket.customer_id,
        "customer_name": str(ticket.customer.name) if ticket.customer_id else "",
        "caller_name": ticket.caller_name,
        "caller_phone": mask_phone(ticket.caller_phone),
        "category": ticket.category_id,
        "owner": ticket.owner_id,
        "department": ticket.department_id,
        "assignee": ticket.assignee_id,
        "is_valid": ticket.is_valid,
        "invalid_reason": ticket.invalid_reason,
        "resolution_plan": ticket.resolution_plan,
        "resolution": ticket.resolution,
        "root_cause": ticket.root_cause,
        "cause_class": ticket.cause_class_id,
        "supervised": ticket.supervised,
        "green_channel": ticket.green_channel,
        "merged_into": ticket.merged_into_id,
        "reopen_count": ticket.reopen_count,
        "due_at": _when(ticket.due_at),
        "sla_state": sla_state,
        "closed_at": _when(ticket.closed_at),
        "version": ticket.version,
        "created_at": _when(ticket.created_at),
        "updated_at": _when(ticket.updated_at),
        "due_at_provisional": any(c.provisional for c in clocks if c.metric == Metric.RESOLUTION),
        "time_limits": [
            {
                "metric": _choice(clock.metric),
                "started_at": _when(clock.started_at),
                "due_at": _when(clock.due_at),
                "provisional": clock.provisional,
                "paused_at": _when(clock.paused_at),
                "stopped_at": _when(clock.stopped_at),
                "breached_at": _when(clock.breached_at),
            }
            for clock in clocks
        ],
        "transitions": [
            {
                "code": step.code,
                "name": step.name,
                "target": str(step.target.code),
                "target_name": str(step.target.name),
                "required_fields": step.required_fields,
            }
            for step in transitions
        ],
    }


class EventSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="null for the time-limit warnings, breaches and reminders read from the clocks",
    )
    actor = serializers.StringRelatedField()
    from_state = serializers.CharField(source="from_state.code", default=None)
    to_state = serializers.CharField(source="to_state.code", default=None)

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "from_state", "to_state", "body", "is_internal", "data", "created_at"]


def event_answer(event: TicketEvent) -> dict:
    """One event as `EventSerializer` writes it (a comment's answer), built by hand for the same
    reason as `ticket_answer`; a test compares the two."""
    return {
        "id": event.pk,
        "kind": _choice(event.kind),
        "actor": None if event.actor_id is None else str(event.actor),
        "from_state": None if event.from_state_id is None else str(event.from_state.code),
        "to_state": None if event.to_state_id is None else str(event.to_state.code),
        "body": event.body,
        "is_internal": event.is_internal,
        "data": event.data,
        "created_at": _when(event.created_at),
    }


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "is_internal", "uploaded_by", "uploaded_at"]


class CreateSerializer(serializers.Serializer):
    # Checked by the service with the rest of the request (one answer names every bad field).
    ticket_type = text_choice(TicketType.choices)
    channel = text_choice(Channel.choices)
    priority = text_choice(Priority.choices, required=False)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    remedy_requested = serializers.CharField(required=False, allow_blank=True)
    customer = serializers.IntegerField(required=False, allow_null=True)
    caller_name = serializers.CharField(required=False, allow_blank=True)
    caller_phone = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField(required=False, allow_null=True)
    idempotency_key = serializers.CharField(required=False, max_length=80, help_text="Or the Idempotency-Key header.")


class TransitionRequestSerializer(serializers.Serializer):
    code = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Values the step needs; department as an org unit id.")
    note = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="The version you read, to detect concurrent edits.")


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    internal = serializers.BooleanField(default=False)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)


class AssignSerializer(serializers.Serializer):
    assignee = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=lambda users, _user: users & assignable_staff(),
        required=False, allow_null=True, help_text="A member of staff who handles requests, in the department.",
    )  # fmt: skip
    department = serializers.IntegerField(required=False, allow_null=True)


class TransferSerializer(serializers.Serializer):
    to_department = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer):
    into = ScopedPrimaryKeyRelatedField(
        queryset=Ticket.objects.all(), help_text="The request that goes on: one in your data scope."
    )


class ExtensionSerializer(serializers.Serializer):
    new_due_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


class ApproveSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class LinkCustomerSerializer(serializers.Serializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), help_text="A customer in your data scope.")


class DoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
