"""Serializers shape JSON only; cleaning and rules are in validation.py and services.py."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.schema import text_choice
from kefu.core.scope import ScopedPrimaryKeyRelatedField
from kefu.customers.choices import CreditRating, CustomerKind, CustomerStatus, ImportKind, ImportStatus, SourceChannel
from kefu.customers.imports import readers
from kefu.customers.imports.mapping import REQUIRED, fields_for
from kefu.customers.imports.services import import_job_progress, saved_mapping_for
from kefu.customers.models import Customer, CustomerVolume, ImportJob, KeyPerson, Tier
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


# --- imports ------------------------------------------------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer):
    """The upload: stored as it is; the background job reads it (the answer's status is `reading`)."""

    kind = text_choice(ImportKind.choices, help_text="What the file holds: customers or key persons.")
    file = serializers.FileField(help_text="The .xlsx or .csv file (UTF-8, UTF-16, GBK or GB18030), at most 200 MB.")


class ImportPreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the file (1 is the first).")
    cells = serializers.ListField(
        child=serializers.CharField(allow_blank=True), help_text="Its cells as text, at most 100 characters each."
    )


class ImportFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="What `mapping` names it by.")
    label = serializers.CharField()
    required = serializers.BooleanField(help_text="The mapping must give it a column.")


class ImportJobSerializer(serializers.ModelSerializer):
    """A job as the list shows it. Counts are rows of the file: `total_rows` once the dry run has
    read them, `error_count` of them bad, `valid_rows` the others."""

    file_format_label = serializers.SerializerMethodField(
        help_text="The format and encoding found, as the page names it."
    )
    valid_rows = serializers.SerializerMethodField(help_text="Rows without a problem, once the dry run is done.")
    rows_done = serializers.SerializerMethodField(help_text="Rows checked (dry run) or written (commit) so far.")
    progress = serializers.SerializerMethodField(help_text="How far the step under way is, from 0 to 1.")

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "status", "original_name", "file_format", "file_format_label", "total_rows",
            "valid_rows", "error_count", "imported_count", "rows_done", "progress", "failure", "failed_status",
            "created_at", "updated_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_file_format_label(self, job) -> str:
        return readers.encoding_label(job.file_format) if job.file_format else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_valid_rows(self, job) -> int | None:
        if job.status not in (ImportStatus.VALIDATED, ImportStatus.IMPORTING, ImportStatus.DONE):
            return None
        return max(job.total_rows - job.error_count, 0)

    def to_representation(self, job):
        self._progress = import_job_progress(job)  # (rows, percent): read once for both fields
        return super().to_representation(job)

    def get_rows_done(self, job) -> int:
        return self._progress[0]

    @extend_schema_field(serializers.FloatField(min_value=0, max_value=1))
    def get_progress(self, job) -> float:
        return self._progress[1] / 100


class ImportJobDetailSerializer(ImportJobSerializer):
    """A job with what the mapping needs: the file's first rows, the header row found (or picked),
    its columns, the mapping guessed or saved ({column index: field}) and the fields to map to."""

    preview = serializers.SerializerMethodField(help_text="The file's first rows, to confirm or pick the header row.")
    mapping = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="{column index (from 0, as text): field name}: guessed from the headings, or a saved mapping's.",
    )
    headers = serializers.ListField(
        child=serializers.CharField(allow_blank=True), read_only=True, help_text="The header row's headings."
    )
    targets = serializers.SerializerMethodField(help_text="The fields this kind of import can fill.")
    saved_mapping = serializers.SerializerMethodField(
        help_text="The name of the saved mapping applied to this file's header row, if one was."
    )

    class Meta(ImportJobSerializer.Meta):
        fields = [
            *ImportJobSerializer.Meta.fields,
            "header_row",
            "headers",
            "preview",
            "mapping",
            "targets",
            "saved_mapping",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportPreviewRowSerializer(many=True))
    def get_preview(self, job) -> list:
        return [{"row": number, "cells": cells} for number, cells in job.preview]

    @extend_schema_field(ImportFieldSerializer(many=True))
    def get_targets(self, job) -> list:
        required = REQUIRED[job.kind]
        return [
            {"name": name, "label": str(label), "required": name in required}
            for name, (label, _synonyms) in fields_for(job.kind).items()
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_saved_mapping(self, job) -> str | None:
        saved = saved_mapping_for(job) if job.headers else None
        return saved.name if saved else None


class ImportHeaderRowSerializer(serializers.Serializer):
    header_row = serializers.IntegerField(min_value=1, help_text="One of the preview's row numbers.")


class ImportMappingSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="{column index (from 0, as text): field name}; a column left out or blank is not imported. "
        "Each field once; the required fields must be there.",
    )
    save_as = serializers.CharField(
        required=False, allow_blank=True, help_text="Keep the mapping under this name (at most 60 characters) "
        "for the next file with the same headings."
    )  # fmt: skip


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the file.")
    column = serializers.CharField(allow_blank=True, help_text="The column's heading in the file.")
    message = serializers.CharField(help_text="What is wrong, in the caller's language at the time of the dry run.")
