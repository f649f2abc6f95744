from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.schema import text_choice

from ..choices import StepKind
from ..models import Arrear, CollectionStep, CollectionTarget, Payment, Promise
from ..selectors import arrear_history
from ..services import MAX_ROWS


class ArrearSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    manager = serializers.IntegerField(source="customer.account_manager_id", read_only=True, allow_null=True)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Arrear
        fields = [
            "id", "customer", "customer_name", "customer_code", "manager", "period", "amount", "paid", "balance",
            "due_date", "status", "promise_broken", "reminded_at", "settled_on", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CollectionStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionStep
        fields = ["id", "arrear", "kind", "at", "actor", "outcome", "message_key"]
        read_only_fields = fields


class PromiseToPaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Promise
        fields = ["id", "arrear", "promised_on", "amount", "note", "status", "made_by", "made_at", "decided_on"]
        read_only_fields = fields


class CollectionPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "arrear", "customer", "amount", "paid_on", "reference", "recorded_at"]
        read_only_fields = fields


class ArrearDetailSerializer(ArrearSerializer):
    """An arrear with its history (method fields: the history is read through the selector, in
    its order)."""

    steps = serializers.SerializerMethodField()
    promises = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()

    class Meta(ArrearSerializer.Meta):
        fields = [*ArrearSerializer.Meta.fields, "steps", "promises", "payments"]
        read_only_fields = fields

    def _history(self, arrear) -> dict:
        if not hasattr(self, "_read"):
            self._read = arrear_history(arrear)
        return self._read

    @extend_schema_field(CollectionStepSerializer(many=True))
    def get_steps(self, arrear):
        return CollectionStepSerializer(self._history(arrear)["steps"], many=True).data

    @extend_schema_field(PromiseToPaySerializer(many=True))
    def get_promises(self, arrear):
        return PromiseToPaySerializer(self._history(arrear)["promises"], many=True).data

    @extend_schema_field(CollectionPaymentSerializer(many=True))
    def get_payments(self, arrear):
        return CollectionPaymentSerializer(self._history(arrear)["payments"], many=True).data


class CollectionStepInSerializer(serializers.Serializer):
    kind = text_choice([(StepKind.CALL, StepKind.CALL.label), (StepKind.VISIT, StepKind.VISIT.label)])
    outcome = serializers.CharField(allow_blank=True, max_length=2000)


class PromiseToPayInSerializer(serializers.Serializer):
    promised_on = serializers.CharField(max_length=30)
    amount = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=400, default="")


class CollectionPaymentInSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=30)
    paid_on = serializers.CharField(max_length=30)
    reference = serializers.CharField(max_length=100)


class CollectionBillRowSerializer(serializers.Serializer):
    customer_code = serializers.CharField(max_length=40)
    period = serializers.CharField(max_length=20, help_text="2026-03")
    amount = serializers.CharField(max_length=30)
    due_date = serializers.CharField(max_length=30)


class CollectionPaymentRowSerializer(serializers.Serializer):
    customer_code = serializers.CharField(max_length=40)
    period = serializers.CharField(max_length=20)
    amount = serializers.CharField(max_length=30)
    paid_on = serializers.CharField(max_length=30)
    reference = serializers.CharField(max_length=64)


def _rows(documented):
    """Rows as plain objects: the service checks each and names it ("第 3 行：…", one shape for
    a file and a call); documented as the row serializer."""

    @extend_schema_field(documented(many=True))
    class Rows(serializers.ListField):
        child = serializers.DictField()

    return Rows(min_length=1, max_length=MAX_ROWS)


class CollectionBillsInSerializer(serializers.Serializer):
    rows = _rows(CollectionBillRowSerializer)


class CollectionPaymentsInSerializer(serializers.Serializer):
    rows = _rows(CollectionPaymentRowSerializer)


class CollectionImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class CollectionRateRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    arrears = serializers.IntegerField()
    due = serializers.DecimalField(max_digits=16, decimal_places=2)
    collected = serializers.DecimalField(max_digits=16, decimal_places=2)
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    meets_target = serializers.BooleanField(allow_null=True)


class CollectionRatesSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.CharField()
    total = CollectionRateRowSerializer()
    rows = CollectionRateRowSerializer(many=True)


class CollectionTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionTarget
        fields = ["id", "period_start", "period_end", "manager", "org_unit", "target_percent", "set_by"]
        read_only_fields = fields


class CollectionTargetInSerializer(serializers.Serializer):
    period_start = serializers.CharField(max_length=30)
    period_end = serializers.CharField(max_length=30)
    target_percent = serializers.CharField(max_length=10)
    manager = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    org_unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
