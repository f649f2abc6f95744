"""Shapes of the callback API (JSON only: the services decide)."""

from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import AttemptOutcome, Satisfaction
from ..models import Callback, CallbackRule
from ..selectors import GROUPINGS


class CallbackSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="ticket.number", read_only=True)
    request_title = serializers.CharField(source="ticket.title", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "ticket",
            "request_number",
            "request_title",
            "customer",
            "customer_name",
            "rule",
            "sequence",
            "tier_rank",
            "due_at",
            "next_try_at",
            "status",
            "claimed_by",
            "claimed_until",
            "attempts",
            "result",
            "answers",
            "comment",
            "called_by",
            "completed_at",
            "follow_up",
            "version",
        ]
        read_only_fields = fields


class CallbackDetailSerializer(CallbackSerializer):
    script = serializers.SerializerMethodField()

    class Meta(CallbackSerializer.Meta):
        fields = [*CallbackSerializer.Meta.fields, "script"]
        read_only_fields = fields

    def get_script(self, task) -> dict[str, str]:
        from ..selectors import script_for

        return script_for(task, self.context["request"].user)


class CallbackResultSerializer(serializers.Serializer):
    result = text_choice(Satisfaction.choices)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class CallbackAttemptSerializer(serializers.Serializer):
    outcome = text_choice(AttemptOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    call_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SatisfactionRowSerializer(serializers.Serializer):
    group = serializers.CharField()
    total = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basically = serializers.IntegerField()
    average = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class SatisfactionQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    by = serializers.ChoiceField(choices=list(GROUPINGS), required=False, default="staff")


class CallbackRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallbackRule
        fields = [
            "id",
            "name",
            "is_active",
            "event",
            "state",
            "ticket_types",
            "due_amount",
            "due_unit",
            "repeat_every_months",
            "repeat_times",
            "full_coverage_rank",
            "sample_percent",
            "quiet_hours",
            "calendar",
            "max_attempts",
            "retry_after_minutes",
            "on_unsatisfied",
            "script",
        ]
