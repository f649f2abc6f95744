"""Fee collection endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.pagination import UnorderedCountPagination
from kefu.org.permissions import require_capability

from .. import reminders, selectors, services
from ..filters import ArrearFilter
from ..forms import RatesForm
from .serializers import (
    ArrearDetailSerializer,
    ArrearSerializer,
    CollectionBillsInSerializer,
    CollectionImportResultSerializer,
    CollectionPaymentInSerializer,
    CollectionPaymentSerializer,
    CollectionPaymentsInSerializer,
    CollectionRatesSerializer,
    CollectionStepInSerializer,
    CollectionStepSerializer,
    CollectionTargetInSerializer,
    CollectionTargetSerializer,
    PromiseToPayInSerializer,
    PromiseToPaySerializer,
)


def _result(result) -> Response:
    return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


@extend_schema_view(
    list=extend_schema(summary="Arrears in the caller's scope: owed (default), overdue, broken promises, paid, all"),
    retrieve=extend_schema(
        summary="One arrear with its steps, promises and payments", responses=ArrearDetailSerializer
    ),
)
class ArrearViewSet(viewsets.GenericViewSet):
    serializer_class = ArrearSerializer
    pagination_class = UnorderedCountPagination
    filterset_class = ArrearFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.arrears_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "collection.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ArrearSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ArrearDetailSerializer(selectors.get_arrear_for_user(request.user, pk)).data)

    @extend_schema(
        request=CollectionBillsInSerializer,
        responses=CollectionImportResultSerializer,
        summary="Bills from the billing system (idempotent on customer number and bill period)",
    )
    @action(
        detail=False, methods=["post"], url_path="import", url_name="import", pagination_class=None,
        filterset_class=None,
    )  # fmt: skip
    def import_bills(self, request):
        require_capability(request.user, "collection.import")
        incoming = CollectionBillsInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rows = list(enumerate(incoming.validated_data["rows"], start=1))
        return _result(services.arrears_import(actor=request.user, rows=rows))

    @extend_schema(
        request=CollectionStepInSerializer, responses=CollectionStepSerializer, summary="Record a call or a visit"
    )
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        arrear = selectors.get_arrear_for_user(request.user, pk)
        incoming = CollectionStepInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        step = services.collection_step_record(actor=request.user, arrear=arrear, **incoming.validated_data)
        return Response(CollectionStepSerializer(step).data, status=201)

    @extend_schema(
        request=PromiseToPayInSerializer, responses=PromiseToPaySerializer, summary="Record a promise to pay"
    )
    @action(detail=True, methods=["post"])
    def promises(self, request, pk=None):
        arrear = selectors.get_arrear_for_user(request.user, pk)
        incoming = PromiseToPayInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        promise = services.promise_record(actor=request.user, arrear=arrear, **incoming.validated_data)
        return Response(PromiseToPaySerializer(promise).data, status=201)

    @extend_schema(request=CollectionPaymentInSerializer, responses=CollectionPaymentSerializer,
                   summary="Record one payment (its reference makes a retry harmless)")  # fmt: skip
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        arrear = selectors.get_arrear_for_user(request.user, pk)
        incoming = CollectionPaymentInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        payment = services.payment_record(actor=request.user, arrear=arrear, **incoming.validated_data)
        return Response(CollectionPaymentSerializer(payment).data, status=201)

    @extend_schema(
        request=None,
        responses=CollectionStepSerializer,
        summary="Send the payment notice (not yet due) or the soft reminder",
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        arrear = selectors.get_arrear_for_user(request.user, pk)
        step = reminders.arrear_remind(actor=request.user, arrear=arrear)
        return Response(CollectionStepSerializer(step).data, status=201)


class PaymentViewSet(viewsets.GenericViewSet):
    serializer_class = CollectionPaymentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.arrears_visible_to(self.request.user).none()

    @extend_schema(request=CollectionPaymentsInSerializer, responses=CollectionImportResultSerializer,
                   summary="Payments from the billing system (idempotent on the payment reference)")  # fmt: skip
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_payments(self, request):
        require_capability(request.user, "collection.import")
        incoming = CollectionPaymentsInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rows = list(enumerate(incoming.validated_data["rows"], start=1))
        return _result(services.payments_import(actor=request.user, rows=rows))


class RatesView(APIView):
    @extend_schema(
        summary="Collection rate (collected ÷ due) of the period, per account manager or per branch",
        parameters=[
            OpenApiParameter("start", str, required=False, description="YYYY-MM-DD, default: this month's first day"),
            OpenApiParameter("end", str, required=False, description="YYYY-MM-DD, default: this month's last day"),
            OpenApiParameter("by", str, enum=["manager", "branch"], required=False),
        ],
        responses=CollectionRatesSerializer,
    )
    def get(self, request):
        require_capability(request.user, "collection.view")
        form = RatesForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        total, rows = selectors.collection_rates(request.user, start=data["start"], end=data["end"], by=data["by"])
        return Response(
            CollectionRatesSerializer(
                {"start": data["start"], "end": data["end"], "by": data["by"], "total": total, "rows": rows}
            ).data
        )


@extend_schema_view(list=extend_schema(summary="Collection targets of the managers and units in the caller's scope"))
class TargetViewSet(viewsets.GenericViewSet):
    serializer_class = CollectionTargetSerializer
    pagination_class = UnorderedCountPagination

    def get_queryset(self):
        return selectors.targets_visible_to(self.request.user).order_by("-period_start", "pk")

    def list(self, request):
        require_capability(request.user, "collection.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CollectionTargetSerializer(page, many=True).data)

    @extend_schema(
        request=CollectionTargetInSerializer,
        responses=CollectionTargetSerializer,
        summary="Set a manager's or unit's target",
    )
    def create(self, request):
        require_capability(request.user, "collection.targets")
        incoming = CollectionTargetInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        target = services.collection_target_set(
            actor=request.user, period_start=data["period_start"], period_end=data["period_end"],
            target_percent=data["target_percent"], manager_id=data.get("manager"), org_unit_id=data.get("org_unit"),
        )  # fmt: skip
        return Response(CollectionTargetSerializer(target).data, status=201)
