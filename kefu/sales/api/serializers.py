from rest_framework import serializers

from kefu.core.scope import ScopedPrimaryKeyRelatedField
from kefu.customers.models import Customer
from kefu.org.models import OrgUnit, User
from kefu.org.selectors import account_managers_visible_to

from ..choices import CampaignKind, CampaignResult, ProspectSource, ProspectStage, TargetMetric
from ..models import CampaignEntry, CompetitorRecord, NamedGroupCustomer, PriceRequest, Prospect, SalesCampaign
from ..selectors import business_file_customers


# An id as a number the database can hold (a longer one is refused on its field, not a 500).
def _id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=2**62)


def _business_file(queryset, user):
    return queryset.filter(pk__in=business_file_customers(user).values("pk"))


def _managers(queryset, user):
    return queryset.filter(pk__in=account_managers_visible_to(user).values("pk"))


class CompetitorRecordSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)

    class Meta:
        model = CompetitorRecord
        fields = [
            "id",
            "customer",
            "customer_name",
            "competitor",
            "offer",
            "price",
            "price_unit",
            "products",
            "visited_on",
            "visit_notes",
            "noted_on",
            "recorded_by",
            "recorded_by_name",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class CompetitorRecordInSerializer(serializers.Serializer):
    """Plain values: the service checks and refuses them naming the field."""

    competitor = serializers.CharField(required=False, allow_blank=True, max_length=100)
    offer = serializers.CharField(required=False, allow_blank=True)
    price = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    price_unit = serializers.CharField(required=False, allow_blank=True, max_length=30)
    products = serializers.CharField(required=False, allow_blank=True, max_length=300)
    visited_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    visit_notes = serializers.CharField(required=False, allow_blank=True)
    noted_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    version = serializers.IntegerField(required=False)


class CompetitorRecordCreateSerializer(CompetitorRecordInSerializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), scope=_business_file)


class ProspectSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)

    class Meta:
        model = Prospect
        fields = [
            "id",
            "name",
            "contact_name",
            "phone",
            "industry",
            "region",
            "source",
            "stage",
            "expected_revenue",
            "notes",
            "lost_reason",
            "owner",
            "owner_name",
            "stage_changed_at",
            "won_at",
            "customer",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ProspectInSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=50)
    region = serializers.CharField(required=False, allow_blank=True, max_length=50)
    source = serializers.ChoiceField(choices=ProspectSource.choices, required=False)
    expected_revenue = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class ProspectCreateSerializer(ProspectInSerializer):
    owner = ScopedPrimaryKeyRelatedField(queryset=User.objects.all(), scope=_managers, required=False)


class ProspectMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProspectStage.choices)
    lost_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    version = serializers.IntegerField(required=False)


class ProspectConvertSerializer(serializers.Serializer):
    """Archive fields for the new customer (name, industry and region come from the prospect)."""

    mobile = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    org_code = serializers.CharField(required=False, allow_blank=True, max_length=30)
    tier = serializers.CharField(required=False, allow_blank=True, max_length=20)
    version = serializers.IntegerField(required=False)


class PriceRequestSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    answered_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = PriceRequest
        fields = [
            "id",
            "customer",
            "prospect",
            "subject",
            "details",
            "received_at",
            "due_at",
            "due_provisional",
            "owner",
            "answer",
            "answered_at",
            "answered_by",
            "answered_late",
            "overdue",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, request) -> bool:
        from django.utils import timezone

        return request.answered_at is None and request.due_at < timezone.now()


class PriceRequestCreateSerializer(serializers.Serializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    prospect = ScopedPrimaryKeyRelatedField(queryset=Prospect.objects.all(), required=False, allow_null=True)
    subject = serializers.CharField(allow_blank=True, max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False)


class PriceRequestAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class SalesCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = SalesCampaign
        fields = ["id", "name", "kind", "starts_on", "ends_on", "description", "org_unit", "created_by", "version"]
        read_only_fields = fields


class SalesCampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=CampaignKind.choices)
    starts_on = serializers.CharField(max_length=30)
    ends_on = serializers.CharField(max_length=30)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    customers = serializers.ListField(child=_id(), required=False, default=list)
    prospects = serializers.ListField(child=_id(), required=False, default=list)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)


class SalesCampaignEntrySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = CampaignEntry
        fields = ["id", "customer", "prospect", "name", "assignee", "result", "note", "worked_at"]
        read_only_fields = fields

    def get_name(self, entry) -> str:
        return entry.customer.name if entry.customer_id else entry.prospect.name


class SalesCampaignEntryResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CampaignResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="target.id")
    metric = serializers.CharField(source="target.metric")
    period_start = serializers.DateField(source="target.period_start")
    period_end = serializers.DateField(source="target.period_end")
    org_unit = serializers.IntegerField(source="target.org_unit_id", allow_null=True)
    manager = serializers.IntegerField(source="target.manager_id", allow_null=True)
    value = serializers.DecimalField(source="target.value", max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    share = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    met = serializers.BooleanField()


class TargetSetSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=TargetMetric.choices)
    period_start = serializers.CharField(max_length=30)
    period_end = serializers.CharField(max_length=30)
    value = serializers.CharField(max_length=30)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    manager = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=_managers, required=False, allow_null=True
    )


class NamedCustomerSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = NamedGroupCustomer
        fields = ["id", "customer", "customer_name", "year", "lost_on", "lost_reason"]
        read_only_fields = fields


class NamedCustomersAddSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    customers = serializers.ListField(child=_id(), min_length=1, max_length=5000)


class NamedCustomerLostSerializer(serializers.Serializer):
    lost_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30)
    lost_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RetentionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    listed = serializers.IntegerField()
    lost = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=6, decimal_places=2)
    met = serializers.BooleanField(allow_null=True)
