"""Serializers shape JSON only; the services check the values."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.schema import text_choice
from kefu.org.choices import ManagerLevel

from ..choices import ItemKind, TeamRole
from ..models import Agreement, KeyAccount, PlanItem, ServicePlan, TeamMember


class TeamMemberSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "user", "user_name", "role", "added_at"]
        read_only_fields = fields


class KeyAccountSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    account_manager = serializers.IntegerField(source="customer.account_manager_id", read_only=True, allow_null=True)

    class Meta:
        model = KeyAccount
        fields = [
            "id", "customer", "customer_name", "account_manager", "required_level", "active", "note", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class KeyAccountCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    required_level = text_choice(ManagerLevel.choices, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class KeyAccountUpdateSerializer(serializers.Serializer):
    required_level = text_choice(ManagerLevel.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(help_text="The version you read.")


class TeamMemberCreateSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    role = text_choice(TeamRole.choices)


class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "kind", "title", "due_on", "done_on", "done_by", "outcome"]
        read_only_fields = fields


class PlanProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class ServicePlanSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="Items done, all items and the percentage done.")

    class Meta:
        model = ServicePlan
        fields = ["id", "title", "goals", "starts_on", "ends_on", "status", "progress", "items", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PlanItemSerializer(many=True))
    def get_items(self, plan):
        return PlanItemSerializer(plan.items.all(), many=True).data

    @extend_schema_field(PlanProgressSerializer)
    def get_progress(self, plan) -> dict:
        from ..selectors import plan_progress

        return plan_progress(plan)


class ServicePlanCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    goals = serializers.CharField(required=False, allow_blank=True)
    starts_on = serializers.CharField(required=False, allow_blank=True)
    ends_on = serializers.CharField(required=False, allow_blank=True)


class PlanItemCreateSerializer(serializers.Serializer):
    kind = text_choice(ItemKind.choices, required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.CharField(required=False, allow_blank=True)


class PlanItemDoneSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True)
    done_on = serializers.CharField(required=False, allow_blank=True)


class AgreementSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ["id", "title", "number", "signed_on", "valid_until", "original_name", "has_file", "created_at"]
        read_only_fields = fields

    def get_has_file(self, agreement) -> bool:
        return bool(agreement.file)


class AgreementCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True)
    signed_on = serializers.CharField(required=False, allow_blank=True)
    valid_until = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False)
