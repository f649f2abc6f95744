"""Visit endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.org.permissions import require_capability

from .. import selectors, services
from .serializers import (
    BookSerializer,
    IssueRequestResultSerializer,
    IssueRequestSerializer,
    PlanResultSerializer,
    RecordSerializer,
    VisitSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="Visit plan: open visits (no valid phone first), overdue ones or those made",
        parameters=[OpenApiParameter("status", str, enum=["open", "overdue", "done"], required=False)],
    ),
    retrieve=extend_schema(summary="One visit with its record"),
)
class VisitViewSet(viewsets.GenericViewSet):
    serializer_class = VisitSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.visits_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "visits.view")
        status = request.query_params.get("status", "open")
        if status not in selectors.PLAN_STATUSES:
            raise ValidationError({"status": _("Choose open, overdue or done.")})
        page = self.paginate_queryset(selectors.visit_plan(request.user, status=status))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(VisitSerializer(selectors.get_visit_for_user(request.user, pk)).data)

    @extend_schema(request=BookSerializer, responses=VisitSerializer, summary="Make an appointment")
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        visit = selectors.get_visit_for_user(request.user, pk)
        incoming = BookSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        visit = services.visit_book(
            actor=request.user,
            visit=visit,
            appointment_at=data["appointment_at"],
            purpose=data["purpose"],
            expected_version=data.get("version"),
        )
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=RecordSerializer, responses=VisitSerializer, summary="Record the visit (客户走访记录表)")
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        visit = selectors.get_visit_for_user(request.user, pk)
        incoming = RecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        visit = services.visit_record(actor=request.user, visit=visit, data=data, expected_version=version)
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        request=IssueRequestSerializer, responses=IssueRequestResultSerializer, summary="Turn an issue into a request"
    )
    @action(detail=True, methods=["post"], url_path="issue-request")
    def issue_request(self, request, pk=None):
        visit = selectors.get_visit_for_user(request.user, pk)
        incoming = IssueRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ticket = services.visit_issue_to_request(
            actor=request.user, visit=visit, index=incoming.validated_data["index"]
        )
        return Response({"id": ticket.pk, "number": ticket.number})

    @extend_schema(request=None, responses=PlanResultSerializer, summary="Plan the current periods' visits now")
    @action(detail=False, methods=["post"], pagination_class=None)
    def plan(self, request):
        require_capability(request.user, "visits.plan")
        return Response({"added": services.visits_plan()})
