"""Care and notice endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.core.parsers import JSONParser
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..choices import BatchStatus, NoticeStatus
from ..models import CareRule, CustomOccasion, SupplyLine
from ..sending import BATCH_SOURCE, NOTICE_SOURCE
from .serializers import (
    ActiveSerializer,
    AddedSerializer,
    CareBatchSerializer,
    CareRuleSerializer,
    CareRuleWriteSerializer,
    CustomOccasionSerializer,
    GenerateSerializer,
    LineCustomersSerializer,
    NoticeSerializer,
    NoticeWriteSerializer,
    RejectSerializer,
    ReportSerializer,
    SupplyLineSerializer,
    VersionSerializer,
)


def _readable(view, queryset):
    """The viewset's rows for a reader with care.view (the schema generator reads them unchecked)."""
    if not getattr(view, "swagger_fake_view", False):
        require_capability(view.request.user, "care.view")
    return queryset


def _status_param(request, choices) -> str:
    value = request.query_params.get("status", "")
    if value and value not in choices:
        raise ValidationError({"status": _("Choose a status from the list.")})
    return value


@extend_schema_view(
    list=extend_schema(summary="Care rules"),
    retrieve=extend_schema(summary="One care rule"),
    create=extend_schema(request=CareRuleWriteSerializer, responses={201: CareRuleSerializer}),
    update=extend_schema(request=CareRuleWriteSerializer, responses=CareRuleSerializer),
)
class CareRuleViewSet(viewsets.GenericViewSet):
    serializer_class = CareRuleSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return _readable(self, selectors.rules_list().order_by("pk"))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CareRuleSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(CareRuleSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    def create(self, request):
        incoming = CareRuleWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("version", None)
        rule = services.care_rule_create(actor=request.user, data=data)
        return Response(CareRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        require_capability(request.user, "care.configure")
        rule = get_object_or_404(CareRule, pk=pk)
        incoming = CareRuleWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        rule = services.care_rule_update(actor=request.user, rule=rule, data=data, expected_version=version)
        return Response(CareRuleSerializer(rule).data)


@extend_schema_view(
    list=extend_schema(summary="Custom care dates"),
    create=extend_schema(request=CustomOccasionSerializer, responses={201: CustomOccasionSerializer}),
)
class CustomOccasionViewSet(viewsets.GenericViewSet):
    serializer_class = CustomOccasionSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return _readable(self, CustomOccasion.objects.order_by("pk"))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CustomOccasionSerializer(page, many=True).data)

    def create(self, request):
        incoming = CustomOccasionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        custom = services.custom_occasion_create(actor=request.user, data=dict(incoming.validated_data))
        return Response(CustomOccasionSerializer(custom).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActiveSerializer, responses=CustomOccasionSerializer, summary="Take out of or back in use")
    @action(detail=True, methods=["post"], url_path="active")
    def set_active(self, request, pk=None):
        custom = get_object_or_404(self.get_queryset(), pk=pk)
        incoming = ActiveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        custom = services.custom_occasion_set_active(
            actor=request.user, custom=custom, active=incoming.validated_data["active"]
        )
        return Response(CustomOccasionSerializer(custom).data)


@extend_schema_view(
    list=extend_schema(
        summary="Greeting batches, newest date first",
        parameters=[OpenApiParameter("status", str, enum=BatchStatus.values, required=False)],
    ),
    retrieve=extend_schema(summary="One greeting batch"),
)
class CareBatchViewSet(viewsets.GenericViewSet):
    serializer_class = CareBatchSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return _readable(self, selectors.batches_list())

    def list(self, request):
        require_capability(request.user, "care.view")
        batches = selectors.batches_list(_status_param(request, BatchStatus.values))
        page = self.paginate_queryset(batches)
        return self.get_paginated_response(CareBatchSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(CareBatchSerializer(selectors.get_batch(request.user, pk)).data)

    @extend_schema(
        request=GenerateSerializer,
        responses={201: CareBatchSerializer, 200: CareBatchSerializer},
        summary="Draw up a batch (200: the rule's batch for that date existed already)",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def generate(self, request):
        require_capability(request.user, "care.configure")
        incoming = GenerateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rule = CareRule.objects.filter(pk=incoming.validated_data["rule"]).first()
        if rule is None:
            raise ValidationError({"rule": _("Unknown care rule.")})
        batch, created = services.care_batch_generate(actor=request.user, rule=rule, day=incoming.validated_data["day"])
        return Response(CareBatchSerializer(batch).data, status=201 if created else 200)

    @extend_schema(request=None, responses=CareBatchSerializer, summary="Approve and queue the greetings")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        batch = services.care_batch_approve(actor=request.user, batch=selectors.get_batch(request.user, pk))
        return Response(CareBatchSerializer(batch).data)

    @extend_schema(request=RejectSerializer, responses=CareBatchSerializer, summary="Reject the batch")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        batch = selectors.get_batch(request.user, pk)
        incoming = RejectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        batch = services.care_batch_reject(actor=request.user, batch=batch, reason=incoming.validated_data["reason"])
        return Response(CareBatchSerializer(batch).data)

    @extend_schema(responses=ReportSerializer, summary="Delivery report (from the outbox)")
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        batch = selectors.get_batch(request.user, pk)
        return Response(selectors.delivery_report(BATCH_SOURCE, batch.pk))


@extend_schema_view(
    list=extend_schema(
        summary="Outage and maintenance notices",
        parameters=[OpenApiParameter("status", str, enum=NoticeStatus.values, required=False)],
    ),
    retrieve=extend_schema(summary="One notice with its stages"),
    create=extend_schema(request=NoticeWriteSerializer, responses={201: NoticeSerializer}),
)
class NoticeViewSet(viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return _readable(self, selectors.notices_list().prefetch_related("stages"))

    def list(self, request):
        require_capability(request.user, "care.view")
        notices = selectors.notices_list(_status_param(request, NoticeStatus.values)).prefetch_related("stages")
        page = self.paginate_queryset(notices)
        return self.get_paginated_response(NoticeSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(NoticeSerializer(selectors.get_notice(request.user, pk)).data)

    def create(self, request):
        incoming = NoticeWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        notice = services.notice_create(actor=request.user, data=dict(incoming.validated_data))
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    def _act(self, request, pk, service):
        notice = selectors.get_notice(request.user, pk)
        incoming = VersionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        notice = service(actor=request.user, notice=notice, expected_version=incoming.validated_data.get("version"))
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=VersionSerializer, responses=NoticeSerializer, summary="Cancel the notice")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, pk, services.notice_cancel)

    @extend_schema(request=VersionSerializer, responses=NoticeSerializer, summary="Supply restored: notify")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._act(request, pk, services.notice_restore)

    @extend_schema(responses=ReportSerializer, summary="Delivery report (from the outbox)")
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        notice = selectors.get_notice(request.user, pk)
        return Response(selectors.delivery_report(NOTICE_SOURCE, notice.pk))


@extend_schema_view(
    list=extend_schema(summary="Supply lines"),
    create=extend_schema(request=SupplyLineSerializer, responses={201: SupplyLineSerializer}),
)
class SupplyLineViewSet(viewsets.GenericViewSet):
    serializer_class = SupplyLineSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return _readable(self, SupplyLine.objects.order_by("code"))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SupplyLineSerializer(page, many=True).data)

    def create(self, request):
        incoming = SupplyLineSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        line = services.supply_line_create(actor=request.user, data=dict(incoming.validated_data))
        return Response(SupplyLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActiveSerializer, responses=SupplyLineSerializer, summary="Take out of or back in use")
    @action(detail=True, methods=["post"], url_path="active")
    def set_active(self, request, pk=None):
        line = get_object_or_404(self.get_queryset(), pk=pk)
        incoming = ActiveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        line = services.supply_line_set_active(actor=request.user, line=line, active=incoming.validated_data["active"])
        return Response(SupplyLineSerializer(line).data)

    @extend_schema(request=LineCustomersSerializer, responses=AddedSerializer, summary="Put customers on the line")
    @action(detail=True, methods=["post"], pagination_class=None)
    def customers(self, request, pk=None):
        line = get_object_or_404(self.get_queryset(), pk=pk)
        incoming = LineCustomersSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        added = services.line_customers_add(
            actor=request.user, line=line, customer_codes=incoming.validated_data["customers"]
        )
        return Response({"added": added})

    @extend_schema(
        request={"multipart/form-data": {"type": "object",
                                         "properties": {"file": {"type": "string", "format": "binary"}}}},
        responses={200: {"type": "object", "properties": {"lines_created": {"type": "integer"},
                                                          "customers_added": {"type": "integer"}}}},
        summary="Import lines and their customers from CSV (line code, line name, customer number)",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[JSONParser, MultiPartParser, FormParser])
    def import_csv(self, request):
        require_capability(request.user, "care.configure")
        try:
            upload = request.FILES.get("file")
        except (ParseError, UnsupportedMediaType):  # a body that is no readable form
            upload = None
        if upload is None:
            raise ValidationError({"file": _("Choose a CSV file.")})
        return Response(services.lines_import_csv(actor=request.user, upload=upload))
