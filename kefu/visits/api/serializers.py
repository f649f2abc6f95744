from rest_framework import serializers

from ..models import Visit


class VisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "customer",
            "customer_name",
            "manager",
            "period_start",
            "due_date",
            "phone_missing",
            "status",
            "appointment_at",
            "purpose",
            "people_met",
            "outcome",
            "needs_found",
            "issues",
            "corrections",
            "visited_at",
            "version",
        ]
        read_only_fields = fields


class BookSerializer(serializers.Serializer):
    appointment_at = serializers.DateTimeField()
    purpose = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    version = serializers.IntegerField(required=False)


class RecordSerializer(serializers.Serializer):
    purpose = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    people_met = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    needs_found = serializers.CharField(required=False, allow_blank=True, default="")
    issues = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    corrections = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    version = serializers.IntegerField(required=False)


class IssueRequestSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)


class PlanResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()


class IssueRequestResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
