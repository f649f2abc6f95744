from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import NoticeKind, Occasion
from ..models import CareBatch, CareRule, CustomOccasion, Notice, NoticeStage, SupplyLine


class CustomOccasionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomOccasion
        fields = ["id", "name", "day", "yearly", "active"]
        read_only_fields = ["id", "active"]


class CareRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareRule
        fields = [
            "id",
            "name",
            "occasion",
            "custom_occasion",
            "tiers",
            "tags",
            "grids",
            "regions",
            "channel",
            "purpose",
            "days_ahead",
            "active",
            "version",
        ]
        read_only_fields = fields


class CareRuleWriteSerializer(serializers.Serializer):
    """Shape only: the service checks every field (validation.clean_rule) and names the bad ones."""

    name = serializers.CharField(required=False, allow_blank=True, default="")
    occasion = text_choice(Occasion.choices, required=False, allow_blank=True, default="")
    custom_occasion = serializers.IntegerField(required=False, allow_null=True, default=None)
    tiers = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    grids = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    regions = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    channel = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    days_ahead = serializers.IntegerField(required=False, default=3)
    active = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(required=False)


class CareBatchSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = CareBatch
        fields = [
            "id",
            "rule",
            "rule_name",
            "occasion_date",
            "occasion_label",
            "status",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "reject_reason",
            "recipients",
            "opted_out",
        ]
        read_only_fields = fields


class GenerateSerializer(serializers.Serializer):
    rule = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    day = serializers.DateField()


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReportSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    waiting = serializers.IntegerField()
    failed = serializers.IntegerField()
    opted_out = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField()


class NoticeStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeStage
        fields = ["key", "audience", "due_at", "sent_at", "recipients", "opted_out"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    stages = serializers.SerializerMethodField()

    @extend_schema_field(NoticeStageSerializer(many=True))
    def get_stages(self, notice) -> list:
        return NoticeStageSerializer(notice.stages.all(), many=True).data

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "reason",
            "area",
            "starts_at",
            "ends_at",
            "regions",
            "grids",
            "tags",
            "lines",
            "offsets_days",
            "channel",
            "status",
            "restored_at",
            "created_by",
            "created_at",
            "version",
            "stages",
        ]
        read_only_fields = fields


class NoticeWriteSerializer(serializers.Serializer):
    kind = text_choice(NoticeKind.choices, required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    area = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.CharField(required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    regions = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    grids = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    lines = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    offsets_days = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None
    )


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class SupplyLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyLine
        fields = ["id", "code", "name", "region", "active"]
        read_only_fields = ["id", "active"]


class LineCustomersSerializer(serializers.Serializer):
    customers = serializers.ListField(child=serializers.CharField(max_length=40), max_length=10000)


class AddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
