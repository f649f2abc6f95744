"""Shapes of the grading API's JSON; the services check every value."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.schema import text_choice
from kefu.customers.tiers import tier_label

from ..choices import Method
from ..models import Criterion, GradeChange, GradeProposal, GradingRun, GradingScheme


class GradingCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["source", "weight", "bands"]


class GradingSchemeSerializer(serializers.ModelSerializer):
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = GradingScheme
        fields = [
            "id", "name", "description", "method", "period_months", "criteria", "tier_bands",
            "in_use", "preset", "version", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(GradingCriterionSerializer(many=True))
    def get_criteria(self, scheme):
        # A method, not a nested field: the criteria are the scheme's reverse relation.
        return GradingCriterionSerializer(scheme.criteria.all(), many=True).data


class GradingSchemeWriteSerializer(serializers.Serializer):
    """A scheme's rules as JSON; `clean_rules` checks them (400 naming each bad field)."""

    name = serializers.CharField(max_length=80)
    description = serializers.CharField(required=False, allow_blank=True)
    method = text_choice(Method.choices, required=False)
    period_months = serializers.JSONField(required=False, help_text="1-60, default 12")
    criteria = serializers.JSONField()
    tier_bands = serializers.JSONField(
        help_text='weighted: [{"tier": "三星", "min_score": 80}, …, {"tier": "一星", "min_score": 0}]; '
        'value share: [{"tier": "三星", "max_share": 80}, …, {"tier": "一星", "max_share": 100}]'
    )
    version = serializers.IntegerField(required=False, help_text="required to change a scheme")


class SchemePresetSerializer(serializers.Serializer):
    preset = serializers.CharField(help_text="seed_weighted, abc or rfm")


class GradingRunSerializer(serializers.ModelSerializer):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)

    class Meta:
        model = GradingRun
        fields = [
            "id", "scheme", "scheme_name", "rules", "as_of", "trigger", "status", "started_at", "finished_at",
            "customers", "changes", "proposals", "failure",
        ]  # fmt: skip


class ProposalSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    from_tier_label = serializers.SerializerMethodField()
    to_tier_label = serializers.SerializerMethodField()

    class Meta:
        model = GradeProposal
        fields = [
            "id", "run", "customer", "customer_name", "from_tier", "from_tier_label", "to_tier", "to_tier_label",
            "status", "created_at", "decided_by", "decided_at", "note",
        ]  # fmt: skip

    def get_from_tier_label(self, proposal) -> str:
        return tier_label(proposal.from_tier) if proposal.from_tier else ""

    def get_to_tier_label(self, proposal) -> str:
        return tier_label(proposal.to_tier)


class ProposalDecisionSerializer(serializers.Serializer):
    decision = text_choice([("approve", "approve"), ("reject", "reject")])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=100000,
        help_text="the proposals to decide; leave out with all=true to decide every pending one in your scope",
    )
    all = serializers.BooleanField(required=False, default=False)
    scheme = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ProposalsDecidedSerializer(serializers.Serializer):
    decided = serializers.IntegerField()


class ExplanationLineSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    value = serializers.CharField()
    band = serializers.CharField()
    weight = serializers.DecimalField(max_digits=12, decimal_places=2)
    points = serializers.DecimalField(max_digits=12, decimal_places=2)
    weighted = serializers.DecimalField(max_digits=16, decimal_places=4)


class GradeExplanationSerializer(serializers.Serializer):
    method = serializers.CharField()
    lines = ExplanationLineSerializer(many=True)
    score = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    share = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    tier_rule = serializers.CharField()


class GradeChangeSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = GradeChange
        fields = ["id", "from_tier", "to_tier", "source", "reason", "actor", "actor_name", "changed_at", "explanation"]

    def get_actor_name(self, change) -> str:
        return str(change.actor) if change.actor else ""

    @extend_schema_field(GradeExplanationSerializer(allow_null=True))
    def get_explanation(self, change):
        from ..explain import explain_score

        # The explanation is part of the customer's business file: shown only when the caller says,
        # from selectors.customer_grade, that the reader may read it (kept back if it does not say).
        if not self.context.get("business_file", False):
            return None
        return GradeExplanationSerializer(explain_score(change.score)).data if change.score else None


class CustomerGradeSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    tier = serializers.CharField()
    explanation = GradeExplanationSerializer(allow_null=True)
    run = serializers.IntegerField(allow_null=True)
    pending = ProposalSerializer(allow_null=True)
    history = GradeChangeSerializer(many=True)


class GradeOverrideSerializer(serializers.Serializer):
    tier = serializers.CharField(max_length=20)
    reason = serializers.CharField(allow_blank=True, max_length=1000)
