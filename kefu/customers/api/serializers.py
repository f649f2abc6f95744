"""Serializers shape JSON only; cleaning and rules are in validation.py and services.py."""

from rest_framework import serializers

from kefu.core.schema import text_choice
from kefu.core.scope import ScopedPrimaryKeyRelatedField
from kefu.customers.choices import CreditRating, CustomerKind, CustomerStatus, SourceChannel
from kefu.customers.models import Customer, CustomerVolume, KeyPerson, Tier
from kefu.customers.selectors import BUSINESS_FILE_FIELDS, KEY_PERSON_FILE_FIELDS
from kefu.customers.tiers import is_green_channel
from kefu.org.models import User
from kefu.org.selectors import account_managers_visible_to


class KeyPersonSerializer(serializers.ModelSerializer):
    mobile = serializers.CharField(source="masked_mobile", read_only=True)

    class Meta:
        model = KeyPerson
        fields = [
            "id", "customer", "name", "title", "mobile", "email", "birthday",
            "preferences", "taboos", "is_primary", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, person):
        data = super().to_representation(person)
        if person.customer_id in self.context.get("hidden_files", ()):  # selectors.business_file_visible
            for name in KEY_PERSON_FILE_FIELDS:
                data[name] = ""
        return data


class CustomerSerializer(serializers.ModelSerializer):
    """Personal numbers are masked; POST …/reveal/ returns one in full and logs the access."""

    mobile = serializers.CharField(source="masked_mobile", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    account_manager_name = serializers.CharField(source="account_manager.full_name", read_only=True, default="")
    green_channel = serializers.SerializerMethodField(help_text="Whether the customer's tier has the green channel.")
    tags = serializers.SerializerMethodField()
    business_file = serializers.SerializerMethodField(
        help_text="Whether you may read the customer's business file (contract number, competitor notes, volumes, "
        "key persons' preferences): a group customer's is kept to its key-account team and their superiors."
    )

    class Meta:
        model = Customer
        fields = [
            "id", "code", "kind", "name", "status", "mobile", "phone", "email", "id_number", "org_code",
            "address", "region", "grid", "industry", "source_channel", "tier", "green_channel", "credit_rating",
            "contract_no", "birthday", "notes", "competitor_info", "parent", "account_manager",
            "account_manager_name", "org_unit", "has_valid_phone", "tags", "business_file", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, customer):
        data = super().to_representation(customer)
        if not data["business_file"]:  # selectors.business_file_visible
            for name in BUSINESS_FILE_FIELDS:
                data[name] = ""
        return data

    def get_business_file(self, customer) -> bool:
        return customer.pk not in self.context.get("hidden_files", ())

    def get_green_channel(self, customer) -> bool:
        return is_green_channel(customer.tier)

    def get_tags(self, customer) -> list[str]:
        return [tag.name for tag in customer.tags.all()]


class ParentField(ScopedPrimaryKeyRelatedField):
    """A parent organisation among the customers the user may see, or the one the edited
    customer already has (the view gives it as `current_parent_id`): the service keeps an
    existing parent outside the actor's scope, so the API accepts it too."""

    def get_queryset(self):
        visible = super().get_queryset()
        current = self.context.get("current_parent_id")
        return visible | Customer.objects.filter(pk=current) if current else visible


class CustomerWriteSerializer(serializers.Serializer):
    """Raw input for create/update: the service cleans phones, dates and choices."""

    kind = text_choice(CustomerKind.choices, required=False)
    code = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    status = text_choice(CustomerStatus.choices, required=False)
    mobile = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    org_code = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    region = serializers.CharField(required=False, allow_blank=True)
    grid = serializers.CharField(required=False, allow_blank=True)
    industry = serializers.CharField(required=False, allow_blank=True)
    source_channel = text_choice(SourceChannel.choices, required=False, allow_blank=True)
    tier = serializers.CharField(
        required=False, allow_blank=True, help_text="An active tier's code or label (GET /api/v1/tiers/)."
    )
    credit_rating = text_choice(CreditRating.choices, required=False, allow_blank=True)
    contract_no = serializers.CharField(required=False, allow_blank=True)
    birthday = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    competitor_info = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    account_manager = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=lambda users, user: users & account_managers_visible_to(user),
        required=False, allow_null=True,
    )  # fmt: skip
    parent = ParentField(
        queryset=Customer.objects.all(), required=False, allow_null=True,
        help_text="Id of the parent organisation, within your data scope (or the one the customer already has).",
    )  # fmt: skip
    version = serializers.IntegerField(required=False, help_text="Required on update: the version you read.")


class CustomerCreateSerializer(CustomerWriteSerializer):
    """Creating a customer, as the schema documents it: the name is required (the service says so,
    with every other bad field; the view reads the body with CustomerWriteSerializer)."""

    name = serializers.CharField()


class KeyPersonWriteSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, help_text="Required on create.")
    name = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True)
    mobile = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    birthday = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    preferences = serializers.CharField(required=False, allow_blank=True)
    taboos = serializers.CharField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, help_text="Required on update: the version you read.")


class KeyPersonCreateSerializer(KeyPersonWriteSerializer):
    """Creating a key person, as the schema documents it: the customer and the name are required."""

    customer = serializers.IntegerField()
    name = serializers.CharField()


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["mobile", "phone", "id_number"])


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["code", "label", "rank", "green_channel", "required_manager_level", "active"]
        read_only_fields = fields


class CustomerVolumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerVolume
        fields = ["period", "volume", "revenue"]
        read_only_fields = fields
