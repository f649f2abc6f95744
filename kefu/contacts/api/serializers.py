from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import ContactChannel
from ..models import ContactDue, ContactLog, ContactPlan, KeyAccountReview


class ContactLogSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "customer",
            "customer_name",
            "user",
            "contacted_at",
            "channel",
            "summary",
            "next_step",
            "next_step_on",
            "source",
            "source_id",
            "recorded_at",
        ]
        read_only_fields = fields


class ContactCreateSerializer(serializers.Serializer):
    """Shapes the body; services.contact_log_record checks every field (one rulebook)."""

    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    channel = text_choice(ContactChannel.choices, required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    contacted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    next_step = serializers.CharField(required=False, allow_blank=True, default="")
    next_step_on = serializers.DateField(required=False, allow_null=True, default=None)


class ContactDueSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_tier = serializers.CharField(source="customer.tier", read_only=True)

    class Meta:
        model = ContactDue
        fields = [
            "customer",
            "customer_name",
            "customer_tier",
            "manager",
            "due_on",
            "reason",
            "channel",
            "last_contact_at",
        ]
        read_only_fields = fields


class OverdueCountSerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager_id")
    manager_name = serializers.CharField(source="manager__first_name")
    due = serializers.IntegerField(help_text="Contacts due today or overdue")
    overdue = serializers.IntegerField(help_text="Contacts overdue (due before today)")


class ContactPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPlan
        fields = ["id", "tier", "every_days", "channel", "quarterly_review"]
        read_only_fields = ["id"]
        extra_kwargs = {"tier": {"validators": []}}  # the service checks it, with the other fields


class KeyAccountReviewSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = KeyAccountReview
        fields = [
            "id",
            "customer",
            "customer_name",
            "manager",
            "quarter_start",
            "due_on",
            "status",
            "notes",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields


class ReviewCompleteSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")
