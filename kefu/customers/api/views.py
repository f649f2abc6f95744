"""Customer and key-person endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.errors import PermissionDeniedError
from kefu.core.filters import IdField
from kefu.core.parsers import JSONParser
from kefu.customers import selectors, services
from kefu.customers.filters import CustomerFilter, ImportJobFilter
from kefu.customers.imports import selectors as import_selectors
from kefu.customers.imports import services as import_services
from kefu.customers.models import Customer, ImportJob, Tier
from kefu.org.permissions import require_capability

from .serializers import (
    CustomerCreateSerializer,
    CustomerSerializer,
    CustomerVolumeSerializer,
    CustomerWriteSerializer,
    ImportErrorSerializer,
    ImportHeaderRowSerializer,
    ImportJobDetailSerializer,
    ImportJobSerializer,
    ImportMappingSerializer,
    ImportUploadSerializer,
    KeyPersonCreateSerializer,
    KeyPersonSerializer,
    KeyPersonWriteSerializer,
    RevealedSerializer,
    RevealSerializer,
    TierSerializer,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version_from(data) -> int:
    if data.get("version") is None:
        raise ValidationError({"version": _("Send the version you read, so that concurrent edits are detected.")})
    return data["version"]


def _hidden_files(user, customer_ids) -> set[int]:
    """Which of these customers' business files `user` may not read (selectors.business_file_customers,
    one query for a page of them): the serializers blank those parts."""
    ids = {pk for pk in customer_ids if pk is not None}
    if not ids:
        return set()
    readable = selectors.business_file_customers(user, Customer.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    return ids - set(readable)


def _refuse_hidden_file(user, customer, data: dict, fields: tuple[str, ...]) -> None:
    """The pages leave a business file's fields off their forms for a reader without the file
    (forms.py); the API refuses them, naming each, so that a value read blank is never written back."""
    sent = [name for name in fields if name in data]
    if sent and not selectors.business_file_visible(user, customer):
        message = _("Only the key-account team and their superiors may change this group customer's business file.")
        raise ValidationError(dict.fromkeys(sent, message))


def _customer_data(user, customer) -> dict:
    return CustomerSerializer(customer, context={"hidden_files": _hidden_files(user, [customer.pk])}).data


def _relations(data: dict) -> dict:
    """The related rows the serializer found within the caller's scope (ScopedPrimaryKeyRelatedField)."""
    return {name: data.pop(name) for name in ("account_manager", "parent") if name in data}


@extend_schema_view(
    list=extend_schema(summary="List customers in your data scope"),
    retrieve=extend_schema(summary="One customer (personal numbers masked)"),
)
class CustomerViewSet(viewsets.GenericViewSet):
    """Customers within the caller's data scope."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter  # the list page's filters: checked (400 naming the field) and documented
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.customers_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "customers.view")
        customers = self.filter_queryset(self.get_queryset()).prefetch_related("tags")
        page = self.paginate_queryset(customers)
        hidden = _hidden_files(request.user, [customer.pk for customer in page])
        return self.get_paginated_response(CustomerSerializer(page, many=True, context={"hidden_files": hidden}).data)

    def retrieve(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk)
        return Response(_customer_data(request.user, customer))

    @extend_schema(
        responses=CustomerVolumeSerializer(many=True), summary="The customer's volume and revenue per period"
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def volumes(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk)
        if not selectors.business_file_visible(request.user, customer):
            raise PermissionDeniedError(
                _("The business file of this group customer is kept to its key-account team and their superiors.")
            )
        return Response(CustomerVolumeSerializer(customer.volumes.all(), many=True).data)

    @extend_schema(request=CustomerCreateSerializer, responses={201: CustomerSerializer})
    def create(self, request):
        require_capability(request.user, "customers.create")
        incoming = CustomerWriteSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("version", None)
        tags = data.pop("tags", None)
        relations = _relations(data)
        customer = services.customer_create(actor=request.user, data=data, relations=relations, tags=tags)
        return Response(_customer_data(request.user, customer), status=status.HTTP_201_CREATED)

    @extend_schema(request=CustomerWriteSerializer, responses=CustomerSerializer)
    def partial_update(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk, capability="customers.change")
        context = {"request": request, "current_parent_id": customer.parent_id}
        incoming = CustomerWriteSerializer(data=request.data, partial=True, context=context)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = _version_from(data)
        data.pop("version")
        _refuse_hidden_file(request.user, customer, data, selectors.BUSINESS_FILE_FIELDS)
        tags = data.pop("tags", None)
        relations = _relations(data)
        customer = services.customer_update(
            actor=request.user, customer=customer, expected_version=version, data=data, relations=relations, tags=tags
        )
        return Response(_customer_data(request.user, customer))

    @extend_schema(responses={204: None, 409: OpenApiResponse(description="The customer has requests: anonymise it.")})
    def destroy(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk, capability="customers.delete")
        services.customer_delete(actor=request.user, customer=customer)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses=CustomerSerializer,
        summary="Erase the customer's personal data, keep its requests (PIPL deletion request)",
    )
    @action(detail=True, methods=["post"])
    def anonymise(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk, capability="customers.delete")
        customer = services.customer_anonymise(actor=request.user, customer=customer)
        return Response(_customer_data(request.user, customer))

    @extend_schema(request=RevealSerializer, responses=RevealedSerializer, summary="Reveal one masked number (logged)")
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        customer = selectors.get_customer_for_user(request.user, pk, capability="customers.reveal")
        incoming = RevealSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        field = incoming.validated_data["field"]
        value = services.customer_reveal(actor=request.user, customer=customer, field=field)
        return Response({"field": field, "value": value})


class KeyPersonViewSet(viewsets.ViewSet):
    """Key persons of customers within the caller's data scope."""

    serializer_class = KeyPersonSerializer
    lookup_value_converter = "int"

    @extend_schema(parameters=[OpenApiParameter("customer", OpenApiTypes.INT, required=True)])
    def list(self, request):
        try:
            customer_id = IdField().clean(request.query_params.get("customer"))
        except ValidationError:  # missing, or not a record's number ("abc", "²", 10**20)
            raise ValidationError({"customer": _("Give the customer id to list its key persons.")}) from None
        customer = selectors.get_customer_for_user(request.user, customer_id)
        context = {"hidden_files": _hidden_files(request.user, [customer.pk])}
        return Response(KeyPersonSerializer(customer.key_persons.all(), many=True, context=context).data)

    def retrieve(self, request, pk=None):
        person = selectors.get_key_person_for_user(request.user, pk)
        context = {"hidden_files": _hidden_files(request.user, [person.customer_id])}
        return Response(KeyPersonSerializer(person, context=context).data)

    @extend_schema(request=KeyPersonCreateSerializer, responses={201: KeyPersonSerializer})
    def create(self, request):
        incoming = KeyPersonWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("version", None)
        if data.get("customer") is None:
            raise ValidationError({"customer": _("This field is required.")})
        customer = selectors.get_customer_for_user(request.user, data.pop("customer"), capability="customers.change")
        _refuse_hidden_file(request.user, customer, data, selectors.KEY_PERSON_FILE_FIELDS)
        person = services.key_person_create(actor=request.user, customer=customer, data=data)
        context = {"hidden_files": _hidden_files(request.user, [person.customer_id])}
        return Response(KeyPersonSerializer(person, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=KeyPersonWriteSerializer, responses=KeyPersonSerializer)
    def partial_update(self, request, pk=None):
        person = selectors.get_key_person_for_user(request.user, pk, capability="customers.change")
        incoming = KeyPersonWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = _version_from(data)
        data.pop("version")
        data.pop("customer", None)
        _refuse_hidden_file(request.user, person.customer, data, selectors.KEY_PERSON_FILE_FIELDS)
        person = services.key_person_update(actor=request.user, person=person, expected_version=version, data=data)
        context = {"hidden_files": _hidden_files(request.user, [person.customer_id])}
        return Response(KeyPersonSerializer(person, context=context).data)

    def destroy(self, request, pk=None):
        person = selectors.get_key_person_for_user(request.user, pk, capability="customers.change")
        services.key_person_delete(actor=request.user, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(summary="The customer tiers, top first (active and retired)"))
class TierViewSet(viewsets.GenericViewSet):
    """The customer tiers (客户等级): the codes `tier` accepts (the active ones), their labels, and
    what each brings (green channel, the manager level it needs). Any signed-in user may read them:
    they are configuration, like workflow states."""

    serializer_class = TierSerializer
    pagination_class = None  # a handful of rows

    def get_queryset(self):
        return Tier.objects.order_by("rank", "code")

    def list(self, request):
        return Response(TierSerializer(self.get_queryset(), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Your customer and key-person imports, newest first (filters: status, kind)"),
    retrieve=extend_schema(
        responses=ImportJobDetailSerializer,
        summary="One import: its status, counts, progress, first rows, header row, mapping and failure",
    ),
)
class ImportJobViewSet(viewsets.GenericViewSet):
    """Imports of customers or key persons from .xlsx/.csv, the steps of the pages under
    /customers/import/: upload → (background) reading → header row and mapping → (background) dry
    run → confirm → (background) commit, all or nothing. A job is its uploader's alone; every rule
    is kefu/customers/imports/services.py's. Read a job again until its status leaves `reading`,
    `validating` or `importing`."""

    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter
    lookup_value_converter = "int"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return import_selectors.import_jobs_listed(self.request.user)

    def _job(self, pk) -> ImportJob:
        return import_selectors.get_import_job_for_user(self.request.user, pk)

    def _answer(self, job, status_code=status.HTTP_200_OK) -> Response:
        return Response(ImportJobDetailSerializer(job).data, status=status_code)

    def list(self, request):
        require_capability(request.user, "customers.import")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobDetailSerializer},
        summary="Upload a file to import (multipart): stored only, read in the background (status reading)",
    )
    def create(self, request):
        require_capability(request.user, "customers.import")
        incoming = ImportUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        job = import_services.import_job_create(
            actor=request.user, kind=incoming.validated_data["kind"], uploaded_file=incoming.validated_data["file"]
        )
        return self._answer(job, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self._answer(self._job(pk))

    @extend_schema(
        responses={204: None, 409: OpenApiResponse(description="The import is running: it cannot be discarded now.")},
        summary="Discard an import that is not running: its file, its checked rows and the job",
    )
    def destroy(self, request, pk=None):
        import_services.import_job_discard(actor=request.user, job=self._job(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"application/json": ImportHeaderRowSerializer},
        responses=ImportJobDetailSerializer,
        summary="Take another of the preview's rows as the header row (the columns are mapped again)",
    )
    @action(detail=True, methods=["post"], url_path="header-row")
    def header_row(self, request, pk=None):
        job = self._job(pk)
        incoming = ImportHeaderRowSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        job = import_services.import_job_choose_header(
            actor=request.user, job=job, header_row=incoming.validated_data["header_row"]
        )
        return self._answer(job)

    @extend_schema(
        request={"application/json": ImportMappingSerializer},
        responses={202: ImportJobDetailSerializer},
        summary="Set the column mapping (and save it by name) and start the dry run in the background",
    )
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        job = self._job(pk)
        incoming = ImportMappingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        job = import_services.import_job_set_mapping(
            actor=request.user,
            job=job,
            mapping=incoming.validated_data["mapping"],
            save_as=incoming.validated_data.get("save_as", ""),
        )
        return self._answer(job, status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: ImportJobDetailSerializer},
        summary="Import the rows of a clean dry run, in the background (all or nothing)",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = import_services.import_job_confirm(actor=request.user, job=self._job(pk))
        return self._answer(job, status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: ImportJobDetailSerializer},
        summary="Run a failed import's failed step again (reading, dry run or commit)",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = import_services.import_job_retry(actor=request.user, job=self._job(pk))
        return self._answer(job, status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses=ImportErrorSerializer(many=True),
        summary="The dry run's problems: row, column and reason (the first 10,000), in row order",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def errors(self, request, pk=None):
        return Response(ImportErrorSerializer(self._job(pk).errors, many=True).data)

    @extend_schema(
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY},
        summary="The dry run's problems as an Excel workbook (the page's download)",
    )
    @action(detail=True, methods=["get"], url_path="errors/xlsx", pagination_class=None, filterset_class=None)
    def errors_xlsx(self, request, pk=None):
        job = self._job(pk)
        response = HttpResponse(import_services.import_errors_workbook(job), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
        return response
