from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import TaskStatus
from ..models import ChurnRun, ChurnScore, ChurnSettings, RetentionTask
from ..services import SETTING_FIELDS


class FactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    reading = serializers.CharField()
    rule = serializers.CharField()
    weight = serializers.DecimalField(max_digits=7, decimal_places=2)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)


class ChurnScoreSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    as_of = serializers.DateField(source="run.as_of", read_only=True)

    class Meta:
        model = ChurnScore
        fields = [
            "id", "run", "as_of", "customer", "customer_name", "score",
            "points_volume", "points_complaints", "points_callbacks", "points_contact", "points_competitor",
            "volume_recent", "volume_earlier", "revenue_recent", "revenue_earlier", "drop_percent",
            "complaints", "open_complaints", "unsatisfied", "last_contact", "competitor_records",
        ]  # fmt: skip
        read_only_fields = fields


class CustomerChurnSerializer(serializers.Serializer):
    score = ChurnScoreSerializer(allow_null=True)
    threshold = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    factors = FactorSerializer(many=True)


class ChurnRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChurnRun
        fields = [
            "id",
            "as_of",
            "trigger",
            "started_by",
            "started_at",
            "finished_at",
            "customers",
            "at_risk",
            "tasks",
            "rules",
        ]
        read_only_fields = fields


class ChurnSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChurnSettings
        fields = [*SETTING_FIELDS, "version", "updated_at"]
        read_only_fields = fields


class ChurnSettingsWriteSerializer(serializers.Serializer):
    """Values stay text here: churn_settings_update checks them all and names every refused field."""

    version = serializers.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SETTING_FIELDS:
            self.fields[name] = serializers.CharField(required=False, max_length=20)


class RetentionTaskSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = RetentionTask
        fields = [
            "id", "customer", "customer_name", "manager", "run", "score", "risk_score", "status", "due_date",
            "reason", "created_at", "closed_at", "closed_by", "version",
        ]  # fmt: skip
        read_only_fields = fields


class OutcomeSerializer(serializers.Serializer):
    outcome = text_choice(
        [(TaskStatus.RETAINED.value, TaskStatus.RETAINED.label), (TaskStatus.LOST.value, TaskStatus.LOST.label)],
        max_length=20,
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)
