from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import Channel
from ..models import Message, MessageTemplate, OptOut


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "id", "recipient_kind", "customer", "key_person", "user", "address", "channel", "purpose", "subject",
            "body", "state", "attempts", "scheduled_at", "next_attempt_at", "sent_at", "transport_message_id",
            "transport_answer", "idempotency_key", "source", "source_id", "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageTemplate
        fields = ["id", "purpose", "channel", "name", "subject", "body", "is_active", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class TemplateWriteSerializer(serializers.Serializer):
    """Shape only: the service checks every field (syntax, one template per purpose and channel)."""

    purpose = serializers.CharField(required=False, allow_blank=True)
    channel = text_choice(Channel.choices, required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class PreviewSerializer(serializers.Serializer):
    body = serializers.CharField()
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    customer = serializers.IntegerField(required=False, min_value=1)


class PreviewResultSerializer(serializers.Serializer):
    subject = serializers.CharField()
    body = serializers.CharField()


class OptOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = OptOut
        fields = ["id", "customer", "channel", "reason", "created_by", "created_at"]
        read_only_fields = fields


class OptOutWriteSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1)
    channel = text_choice(Channel.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
