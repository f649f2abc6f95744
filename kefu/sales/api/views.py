"""Sales endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.pagination import UnorderedCountPagination
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..filters import ProspectFilter
from ..models import CampaignEntry
from . import serializers as s


def _year(raw) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year such as 2026.")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year such as 2026.")})
    return year


@extend_schema_view(
    list=extend_schema(
        summary="Competitor records of customers whose business file you may read",
        parameters=[OpenApiParameter("customer", int, required=False)],
    ),
    retrieve=extend_schema(summary="One competitor record"),
)
class CompetitorRecordViewSet(viewsets.GenericViewSet):
    serializer_class = s.CompetitorRecordSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.competitor_records_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "competitors.view")
        records = self.get_queryset().select_related("customer", "recorded_by").order_by("-noted_on", "-pk")
        customer = request.query_params.get("customer")
        if customer:
            if not customer.isdecimal() or len(customer) > 18:
                raise ValidationError({"customer": _("Enter a customer's number (id).")})
            records = records.filter(customer_id=int(customer))
        page = self.paginate_queryset(records)
        return self.get_paginated_response(s.CompetitorRecordSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.CompetitorRecordSerializer(selectors.get_competitor_record_for_user(request.user, pk)).data)

    @extend_schema(request=s.CompetitorRecordCreateSerializer, responses={201: s.CompetitorRecordSerializer})
    def create(self, request):
        require_capability(request.user, "competitors.record")
        incoming = s.CompetitorRecordCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        customer = data.pop("customer")
        data.pop("version", None)
        record = services.competitor_record_create(actor=request.user, customer=customer, data=data)
        return Response(s.CompetitorRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CompetitorRecordInSerializer, responses=s.CompetitorRecordSerializer)
    def partial_update(self, request, pk=None):
        record = selectors.get_competitor_record_for_user(request.user, pk)
        incoming = s.CompetitorRecordInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        record = services.competitor_record_update(
            actor=request.user, record=record, data=data, expected_version=version
        )
        return Response(s.CompetitorRecordSerializer(record).data)

    def destroy(self, request, pk=None):
        record = selectors.get_competitor_record_for_user(request.user, pk)
        services.competitor_record_delete(actor=request.user, record=record)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="The pipeline: open prospects (default) or one stage, by source, owner, name"),
    retrieve=extend_schema(summary="One prospect"),
)
class ProspectViewSet(viewsets.GenericViewSet):
    serializer_class = s.ProspectSerializer
    pagination_class = UnorderedCountPagination
    filterset_class = ProspectFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.prospects_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "sales.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.ProspectSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.ProspectSerializer(selectors.get_prospect_for_user(request.user, pk)).data)

    @extend_schema(request=s.ProspectCreateSerializer, responses={201: s.ProspectSerializer})
    def create(self, request):
        require_capability(request.user, "sales.work")
        incoming = s.ProspectCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        owner = data.pop("owner", None)
        data.pop("version", None)
        prospect = services.prospect_create(actor=request.user, data=data, owner=owner)
        return Response(s.ProspectSerializer(prospect).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProspectInSerializer, responses=s.ProspectSerializer)
    def partial_update(self, request, pk=None):
        prospect = selectors.get_prospect_for_user(request.user, pk)
        incoming = s.ProspectInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        prospect = services.prospect_update(actor=request.user, prospect=prospect, data=data, expected_version=version)
        return Response(s.ProspectSerializer(prospect).data)

    @extend_schema(request=s.ProspectMoveSerializer, responses=s.ProspectSerializer, summary="Move to a stage")
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        prospect = selectors.get_prospect_for_user(request.user, pk)
        incoming = s.ProspectMoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        prospect = services.prospect_move(
            actor=request.user,
            prospect=prospect,
            stage=data["stage"],
            lost_reason=data["lost_reason"],
            expected_version=data.get("version"),
        )
        return Response(s.ProspectSerializer(prospect).data)

    @extend_schema(
        request=s.ProspectConvertSerializer, responses=s.ProspectSerializer, summary="Convert into a customer"
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        prospect = selectors.get_prospect_for_user(request.user, pk)
        incoming = s.ProspectConvertSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        services.prospect_convert(actor=request.user, prospect=prospect, data=data, expected_version=version)
        return Response(s.ProspectSerializer(selectors.get_prospect_for_user(request.user, pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Price and commercial requests: open, overdue, answered or answered late",
        parameters=[OpenApiParameter("state", str, enum=list(selectors.PRICE_REQUEST_STATES), required=False)],
    ),
    retrieve=extend_schema(summary="One price request"),
)
class PriceRequestViewSet(viewsets.GenericViewSet):
    serializer_class = s.PriceRequestSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.price_requests_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "sales.view")
        state = request.query_params.get("state", "open")
        if state not in selectors.PRICE_REQUEST_STATES:
            raise ValidationError({"state": _("Choose open, overdue, answered or late.")})
        page = self.paginate_queryset(selectors.price_request_list(request.user, state=state))
        return self.get_paginated_response(s.PriceRequestSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.PriceRequestSerializer(selectors.get_price_request_for_user(request.user, pk)).data)

    @extend_schema(request=s.PriceRequestCreateSerializer, responses={201: s.PriceRequestSerializer})
    def create(self, request):
        require_capability(request.user, "sales.work")
        incoming = s.PriceRequestCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        customer, prospect = data.pop("customer", None), data.pop("prospect", None)
        created = services.price_request_create(actor=request.user, data=data, customer=customer, prospect=prospect)
        return Response(s.PriceRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PriceRequestAnswerSerializer, responses=s.PriceRequestSerializer, summary="Answer")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        price_request = selectors.get_price_request_for_user(request.user, pk)
        incoming = s.PriceRequestAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answered = services.price_request_answer(
            actor=request.user,
            request=price_request,
            answer=incoming.validated_data["answer"],
            expected_version=incoming.validated_data.get("version"),
        )
        return Response(s.PriceRequestSerializer(answered).data)


@extend_schema_view(list=extend_schema(summary="Sales campaigns"), retrieve=extend_schema(summary="One campaign"))
class CampaignViewSet(viewsets.GenericViewSet):
    serializer_class = s.SalesCampaignSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).order_by("-starts_on", "-pk")

    def list(self, request):
        require_capability(request.user, "sales.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.SalesCampaignSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        campaign = selectors.get_campaign_for_user(request.user, pk)
        return Response({**s.SalesCampaignSerializer(campaign).data, "results": selectors.campaign_results(campaign)})

    @extend_schema(request=s.SalesCampaignCreateSerializer, responses={201: s.SalesCampaignSerializer})
    def create(self, request):
        require_capability(request.user, "sales.targets")
        incoming = s.SalesCampaignCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        customers, prospects = data.pop("customers"), data.pop("prospects")
        org_unit = data.pop("org_unit", None)
        campaign = services.campaign_create(
            actor=request.user, data=data, customers=customers, prospects=prospects, org_unit=org_unit
        )
        return Response(s.SalesCampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.SalesCampaignEntrySerializer(many=True), summary="The campaign's list (yours only)")
    @action(detail=True, methods=["get"])
    def entries(self, request, pk=None):
        campaign = selectors.get_campaign_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.campaign_entries(request.user, campaign))
        return self.get_paginated_response(s.SalesCampaignEntrySerializer(page, many=True).data)


class CampaignEntryResultView(APIView):
    @extend_schema(
        request=s.SalesCampaignEntryResultSerializer,
        responses=s.SalesCampaignEntrySerializer,
        summary="Record a result",
    )
    def post(self, request, pk: int):
        require_capability(request.user, "sales.work")
        entry = get_object_or_404(
            CampaignEntry.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk
        )
        incoming = s.SalesCampaignEntryResultSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        entry = services.campaign_entry_record(actor=request.user, entry=entry, **incoming.validated_data)
        return Response(s.SalesCampaignEntrySerializer(entry).data)


class TargetViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TargetSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.targets_visible_to(self.request.user).select_related("org_unit", "manager")

    @extend_schema(summary="Targets with their progress computed from the data")
    def list(self, request):
        require_capability(request.user, "sales.view")
        page = self.paginate_queryset(self.get_queryset())
        today = timezone.localdate()
        rows = [selectors.target_progress(target, today=today) for target in page]
        return self.get_paginated_response(s.TargetSerializer(rows, many=True).data)

    @extend_schema(request=s.TargetSetSerializer, responses={201: s.TargetSerializer}, summary="Set a target")
    def create(self, request):
        require_capability(request.user, "sales.targets")
        incoming = s.TargetSetSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        org_unit, manager = data.pop("org_unit", None), data.pop("manager", None)
        target = services.target_set(actor=request.user, data=data, org_unit=org_unit, manager=manager)
        return Response(s.TargetSerializer(selectors.target_progress(target)).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.target_delete(actor=self.request.user, target=instance)


@extend_schema_view(
    list=extend_schema(
        summary="The named group customers' list of a year",
        parameters=[OpenApiParameter("year", int, required=False)],
    )
)
class NamedCustomerViewSet(viewsets.GenericViewSet):
    serializer_class = s.NamedCustomerSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.named_customers_visible_to(self.request.user).select_related("customer")

    def list(self, request):
        require_capability(request.user, "sales.view")
        year = _year(request.query_params.get("year", timezone.localdate().year))
        page = self.paginate_queryset(self.get_queryset().filter(year=year).order_by("customer__name", "pk"))
        return self.get_paginated_response(s.NamedCustomerSerializer(page, many=True).data)

    @extend_schema(request=s.NamedCustomersAddSerializer, responses={201: None}, summary="Put customers on the list")
    def create(self, request):
        require_capability(request.user, "sales.targets")
        incoming = s.NamedCustomersAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        added = services.named_customers_add(actor=request.user, **incoming.validated_data)
        return Response({"added": added}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NamedCustomerLostSerializer, responses=s.NamedCustomerSerializer, summary="Mark lost")
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        named = get_object_or_404(self.get_queryset(), pk=pk)
        incoming = s.NamedCustomerLostSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        named = services.named_customer_mark_lost(
            actor=request.user,
            named=named,
            lost_on=incoming.validated_data.get("lost_on"),
            reason=incoming.validated_data["lost_reason"],
        )
        return Response(s.NamedCustomerSerializer(named).data)


class RetentionView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses=s.RetentionSerializer,
        summary="Named group customers' retention rate against its target (≥ 92 %)",
    )
    def get(self, request):
        require_capability(request.user, "sales.view")
        year = _year(request.query_params.get("year", timezone.localdate().year))
        retention = selectors.named_retention_for_user(request.user, year)
        data = {
            "year": year,
            "listed": retention.listed,
            "lost": retention.lost,
            "rate": retention.rate,
            "target": retention.target,
            "met": retention.met,
        }
        return Response(s.RetentionSerializer(data).data)
