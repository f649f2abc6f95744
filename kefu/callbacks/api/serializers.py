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
            "closed_reason",
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
            "expire_after_days",
            "on_unsatisfied",
            "script",
        ]


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    head_office = serializers.IntegerField(source="head_office_id")
    created_at = serializers.DateTimeField(read_only=True)


class CampaignCallSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    status = serializers.CharField(read_only=True)
    result = serializers.CharField(read_only=True)
    faults = serializers.JSONField(read_only=True)
    note = serializers.CharField(read_only=True)
    claimed_by = serializers.IntegerField(source="claimed_by_id", read_only=True, allow_null=True)
    claimed_until = serializers.DateTimeField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True)


class CampaignCallRefSerializer(serializers.Serializer):
    call = serializers.IntegerField()


class CampaignCallRecordSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    reached = serializers.BooleanField()
    result = serializers.CharField(required=False, allow_blank=True, default="")
    faults = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignReportSerializer(serializers.Serializer):
    sites = serializers.IntegerField()
    reached = serializers.IntegerField()
    unreachable = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    faults = serializers.IntegerField()
    sites_with_faults = serializers.IntegerField()
    registered = serializers.IntegerField()
    still_open = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    calls = CampaignCallSerializer(many=True)
