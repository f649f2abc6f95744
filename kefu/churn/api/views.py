"""Churn warning endpoints: the same selectors and services as the pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.customers.selectors import get_customer_for_user
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..explain import explain
from ..filters import ChurnListFilter, TaskFilter
from .serializers import (
    ChurnRunSerializer,
    ChurnScoreSerializer,
    ChurnSettingsSerializer,
    ChurnSettingsWriteSerializer,
    CustomerChurnSerializer,
    OutcomeSerializer,
    RetentionTaskSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="The churn list: latest scores in your scope, highest risk first"),
    retrieve=extend_schema(summary="One score with each factor's points"),
)
class ChurnScoreViewSet(viewsets.GenericViewSet):
    serializer_class = ChurnScoreSerializer
    filterset_class = ChurnListFilter
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.scores_visible_to(self.request.user).select_related("customer", "run")

    def list(self, request):
        require_capability(request.user, "churn.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ChurnScoreSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        require_capability(request.user, "churn.view")
        return Response(ChurnScoreSerializer(self.get_object()).data)

    @extend_schema(responses=CustomerChurnSerializer, summary="A customer's latest score explained factor by factor")
    @action(detail=False, methods=["get"], url_path="customer/<int:customer_id>", url_name="customer")
    def customer(self, request, customer_id=None):
        require_capability(request.user, "churn.view")
        customer = get_customer_for_user(request.user, int(customer_id))
        score = selectors.customer_score(request.user, customer.pk)
        return Response(
            CustomerChurnSerializer(
                {
                    "score": score,
                    "threshold": score.run.rules["threshold"] if score else None,
                    "factors": explain(score) if score else [],
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="Churn runs, newest first"), retrieve=extend_schema(summary="One churn run")
)
class ChurnRunViewSet(viewsets.GenericViewSet):
    serializer_class = ChurnRunSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.runs_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "churn.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChurnRunSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        require_capability(request.user, "churn.view")
        return Response(ChurnRunSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={201: ChurnRunSerializer}, summary="Score every customer now")
    def create(self, request):
        require_capability(request.user, "churn.run")
        run = services.churn_run(actor=request.user)
        return Response(ChurnRunSerializer(run).data, status=status.HTTP_201_CREATED)


class ChurnSettingsViewSet(viewsets.GenericViewSet):
    """One settings object at /churn/settings/current/: read it, change it with its version."""

    serializer_class = ChurnSettingsSerializer
    pagination_class = None

    @extend_schema(methods=["GET"], responses=ChurnSettingsSerializer, summary="Weights, parameters and threshold")
    @extend_schema(
        methods=["PUT", "PATCH"],
        request=ChurnSettingsWriteSerializer,
        responses=ChurnSettingsSerializer,
        summary="Change the settings (send the version read)",
    )
    @action(detail=False, methods=["get", "put", "patch"], url_path="current")
    def current(self, request):
        if request.method == "GET":
            require_capability(request.user, "churn.view")
            return Response(ChurnSettingsSerializer(selectors.current_settings()).data)
        require_capability(request.user, "churn.configure")
        incoming = ChurnSettingsWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        updated = services.churn_settings_update(actor=request.user, data=data, expected_version=version)
        return Response(ChurnSettingsSerializer(updated).data)


@extend_schema_view(
    list=extend_schema(summary="Retention tasks in your scope (filter by status, manager, overdue)"),
    retrieve=extend_schema(summary="One retention task"),
)
class RetentionTaskViewSet(viewsets.GenericViewSet):
    serializer_class = RetentionTaskSerializer
    filterset_class = TaskFilter
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.tasks_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "churn.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RetentionTaskSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(RetentionTaskSerializer(selectors.get_task_for_user(request.user, pk)).data)

    @extend_schema(request=OutcomeSerializer, responses=RetentionTaskSerializer, summary="Record the outcome")
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        task = selectors.get_task_for_user(request.user, pk, capability="churn.work")
        incoming = OutcomeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        task = services.retention_task_close(
            actor=request.user,
            task=task,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return Response(RetentionTaskSerializer(task).data)
