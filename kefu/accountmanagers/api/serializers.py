"""Shapes of the account-manager endpoints (profiles, plans, moves, hand assignment, handovers)."""

from rest_framework import serializers

from kefu.core.schema import text_choice
from kefu.core.scope import ScopedPrimaryKeyRelatedField
from kefu.org.choices import ManagerLevel
from kefu.org.models import User

from .. import selectors
from ..models import AssignmentMove, AssignmentPlan, Handover


def _managers(queryset, user):
    return selectors.managers_visible_to(user)


class ProfileSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ManagerLevel.choices)
    capacity = serializers.IntegerField(help_text="The most customers the manager should hold; 0: no limit")
    grids = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True))
    regions = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True))
    industries = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True))
    accepting = serializers.BooleanField()
    version = serializers.IntegerField(read_only=True)


class ProfileWriteSerializer(serializers.Serializer):
    """Text is checked by the service with the rest (every bad field named at once)."""

    level = text_choice(ManagerLevel.choices, required=False)
    capacity = serializers.IntegerField(required=False, help_text="0 to 1,000,000 (checked with the rest)")
    grids = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=500)
    regions = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=500)
    industries = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=500)
    accepting = serializers.BooleanField(required=False)
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="The version read (a change needs it)"
    )


class ManagerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    org_unit = serializers.IntegerField(source="org_unit_id", allow_null=True)
    customer_count = serializers.IntegerField()
    profile = serializers.SerializerMethodField()

    def get_profile(self, manager) -> ProfileSerializer(allow_null=True):
        profile = getattr(manager, "manager_profile", None)
        return ProfileSerializer(profile).data if profile is not None else None


class DepartureSerializer(serializers.Serializer):
    successors = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=_managers, many=True, required=False, help_text="Empty: automatic"
    )
    other_work_to = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=_managers, required=False, allow_null=True
    )


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssignmentPlan
        fields = [
            "id", "kind", "status", "created_by", "created_at", "applied_at", "leaving", "successor",
            "customers_considered", "moves_count", "unplaced", "applied_count", "stale_count", "summary",
            "failure",
        ]  # fmt: skip


class MoveSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = AssignmentMove
        fields = ["customer", "customer_name", "from_manager", "to_manager", "reason"]


class CustomerAssignSerializer(serializers.Serializer):
    customers = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)
    manager = ScopedPrimaryKeyRelatedField(queryset=User.objects.all(), scope=_managers)


class AssignedSerializer(serializers.Serializer):
    moved = serializers.IntegerField()


class HandoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = Handover
        fields = ["id", "plan", "from_user", "to_user", "created_by", "created_at", "items", "acknowledged_at"]
