"""Grading endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.customers.selectors import get_customer_for_user
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..filters import ProposalFilter
from .serializers import (
    CustomerGradeSerializer,
    GradeChangeSerializer,
    GradeExplanationSerializer,
    GradeOverrideSerializer,
    GradingRunSerializer,
    GradingSchemeSerializer,
    GradingSchemeWriteSerializer,
    ProposalDecisionSerializer,
    ProposalsDecidedSerializer,
    ProposalSerializer,
    SchemePresetSerializer,
)


def _rules_data(incoming) -> dict:
    data = dict(incoming.validated_data)
    data.pop("version", None)
    return data


@extend_schema_view(
    list=extend_schema(summary="Grading schemes (rules, criteria, bands)"),
    retrieve=extend_schema(summary="One grading scheme"),
)
class SchemeViewSet(viewsets.GenericViewSet):
    serializer_class = GradingSchemeSerializer
    lookup_value_converter = "int"
    pagination_class = None  # a handful of rows

    def get_queryset(self):
        return selectors.schemes_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "grading.view")
        return Response(GradingSchemeSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(GradingSchemeSerializer(selectors.get_scheme_for_user(request.user, pk)).data)

    @extend_schema(request=GradingSchemeWriteSerializer, responses={201: GradingSchemeSerializer})
    def create(self, request):
        require_capability(request.user, "grading.configure")
        incoming = GradingSchemeWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        scheme = services.scheme_create(actor=request.user, data=_rules_data(incoming))
        return Response(GradingSchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GradingSchemeWriteSerializer, responses=GradingSchemeSerializer)
    def update(self, request, pk=None):
        scheme = selectors.get_scheme_for_user(request.user, pk, capability="grading.configure")
        incoming = GradingSchemeWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if incoming.validated_data.get("version") is None:
            raise ValidationError({"version": _("Send the version you read, so that concurrent edits are detected.")})
        scheme = services.scheme_update(
            actor=request.user,
            scheme=scheme,
            expected_version=incoming.validated_data["version"],
            data=_rules_data(incoming),
        )
        return Response(GradingSchemeSerializer(scheme).data)

    @extend_schema(
        request=SchemePresetSerializer, responses={201: GradingSchemeSerializer}, summary="Install a shipped scheme"
    )
    @action(detail=False, methods=["post"], url_path="install-preset")
    def install_preset(self, request):
        require_capability(request.user, "grading.configure")
        incoming = SchemePresetSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        scheme = services.scheme_install_preset(actor=request.user, preset=incoming.validated_data["preset"])
        return Response(GradingSchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: GradingRunSerializer}, summary="Grade every customer now")
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        scheme = selectors.get_scheme_for_user(request.user, pk, capability="grading.run")
        run = services.grading_run(actor=request.user, scheme=scheme)
        return Response(GradingRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GradingSchemeSerializer, summary="Make this the scheme the schedule runs")
    @action(detail=True, methods=["post"])
    def use(self, request, pk=None):
        scheme = selectors.get_scheme_for_user(request.user, pk, capability="grading.configure")
        return Response(GradingSchemeSerializer(services.scheme_put_in_use(actor=request.user, scheme=scheme)).data)


@extend_schema_view(
    list=extend_schema(summary="Grading runs, newest first"),
    retrieve=extend_schema(summary="One grading run with its rules as run"),
)
class RunViewSet(viewsets.GenericViewSet):
    serializer_class = GradingRunSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.runs_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "grading.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(GradingRunSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(GradingRunSerializer(selectors.get_run_for_user(request.user, pk)).data)


@extend_schema_view(list=extend_schema(summary="Grade proposals of customers in your scope"))
class ProposalViewSet(viewsets.GenericViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.proposals_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "grading.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(
        request=ProposalDecisionSerializer,
        responses=ProposalsDecidedSerializer,
        summary="Approve or reject proposals in bulk (all or nothing)",
    )
    @action(detail=False, methods=["post"])
    def decide(self, request):
        require_capability(request.user, "grading.approve")
        incoming = ProposalDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["decision"] not in ("approve", "reject"):
            raise ValidationError({"decision": _("Say approve or reject.")})
        if not data.get("all") and not data.get("ids"):
            raise ValidationError({"ids": _("Choose at least one proposal, or send all=true.")})
        decided = services.proposals_decide(
            actor=request.user,
            ids=None if data.get("all") else data["ids"],
            approve=data["decision"] == "approve",
            note=data.get("note", ""),
            scheme=data.get("scheme"),
        )
        return Response({"decided": decided})


class CustomerGradeViewSet(viewsets.GenericViewSet):
    """A customer's grade: the explanation of each criterion, the pending proposal and the history."""

    serializer_class = CustomerGradeSerializer
    lookup_value_converter = "int"
    pagination_class = None

    def get_queryset(self):
        return selectors.proposals_visible_to(self.request.user).none()

    @extend_schema(summary="A customer's grade explained, with its history (PIPL Art. 24)")
    def retrieve(self, request, pk=None):
        require_capability(request.user, "grading.view")
        customer = get_customer_for_user(request.user, pk)
        return Response(_grade_data(request.user, customer))

    @extend_schema(
        request=GradeOverrideSerializer, responses=GradeChangeSerializer, summary="Set the grade by hand, with a reason"
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        require_capability(request.user, "grading.override")
        customer = get_customer_for_user(request.user, pk)
        incoming = GradeOverrideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        change = services.grade_override(actor=request.user, customer=customer, **incoming.validated_data)
        return Response(GradeChangeSerializer(change).data)


def _grade_data(user, customer) -> dict:
    grade = selectors.customer_grade(user, customer.pk)
    explanation = grade["explanation"]
    return {
        "customer": customer.pk,
        "tier": customer.tier,
        "explanation": GradeExplanationSerializer(explanation).data if explanation else None,
        "run": grade["score"].run_id if grade["score"] else None,
        "pending": ProposalSerializer(grade["pending"]).data if grade["pending"] else None,
        "history": GradeChangeSerializer(
            grade["history"], many=True, context={"business_file": grade["business_file"]}
        ).data,
    }
