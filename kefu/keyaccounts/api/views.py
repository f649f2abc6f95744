"""Key-account endpoints: the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.core.parsers import JSONParser
from kefu.customers.models import Customer
from kefu.org.models import User
from kefu.org.permissions import require_capability

from .. import selectors, services
from ..models import PlanItem, ServicePlan, TeamMember
from .serializers import (
    AgreementCreateSerializer,
    AgreementSerializer,
    KeyAccountCreateSerializer,
    KeyAccountSerializer,
    KeyAccountUpdateSerializer,
    PlanItemCreateSerializer,
    PlanItemDoneSerializer,
    PlanItemSerializer,
    ServicePlanCreateSerializer,
    ServicePlanSerializer,
    TeamMemberCreateSerializer,
    TeamMemberSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Key accounts whose team you are on or above"),
    retrieve=extend_schema(summary="One key account"),
)
class KeyAccountViewSet(viewsets.GenericViewSet):
    serializer_class = KeyAccountSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.key_accounts_visible_to(self.request.user).select_related("customer").order_by("-id")

    def _account(self, pk, capability="keyaccounts.view"):
        return selectors.get_key_account_for_user(self.request.user, pk, capability=capability)

    def list(self, request):
        require_capability(request.user, "keyaccounts.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(KeyAccountSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(KeyAccountSerializer(self._account(pk)).data)

    @extend_schema(request=KeyAccountCreateSerializer, responses={201: KeyAccountSerializer})
    def create(self, request):
        require_capability(request.user, "keyaccounts.manage")
        incoming = KeyAccountCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        customer = Customer.objects.visible_to(request.user).filter(pk=data["customer"]).first()
        if customer is None:
            raise ValidationError({"customer": _("Choose a customer you may see.")})
        account = services.key_account_create(
            actor=request.user,
            customer=customer,
            required_level=data.get("required_level", ""),
            note=data.get("note", ""),
        )
        return Response(KeyAccountSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=KeyAccountUpdateSerializer, responses=KeyAccountSerializer)
    def partial_update(self, request, pk=None):
        account = self._account(pk, "keyaccounts.manage")
        incoming = KeyAccountUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if data.get("version") is None:
            raise ValidationError({"version": _("Send the version you read, so that concurrent edits are detected.")})
        version = data.pop("version")
        account = services.key_account_update(actor=request.user, account=account, expected_version=version, data=data)
        return Response(KeyAccountSerializer(account).data)

    @extend_schema(methods=["get"], responses=TeamMemberSerializer(many=True), summary="The account's team")
    @extend_schema(
        methods=["post"], request=TeamMemberCreateSerializer, responses={201: TeamMemberSerializer},
        summary="Put a staff member on the team",
    )  # fmt: skip
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def team(self, request, pk=None):
        if request.method == "GET":
            return Response(TeamMemberSerializer(selectors.team_of(self._account(pk)), many=True).data)
        account = self._account(pk, "keyaccounts.manage")
        incoming = TeamMemberCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = User.objects.filter(pk=incoming.validated_data["user"]).first()
        if user is None:
            raise ValidationError({"user": _("Choose an active staff member.")})
        member = services.team_member_add(
            actor=request.user, account=account, user=user, role=incoming.validated_data["role"]
        )
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Take a member off the team")
    @action(detail=True, methods=["delete"], url_path="team/<int:member_pk>")
    def team_remove(self, request, pk=None, member_pk=None):
        account = self._account(pk, "keyaccounts.manage")
        member = get_object_or_404(TeamMember, pk=member_pk, account=account)
        services.team_member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["get"], responses=ServicePlanSerializer(many=True), summary="Service plans with progress")
    @extend_schema(
        methods=["post"], request=ServicePlanCreateSerializer, responses={201: ServicePlanSerializer},
        summary="Start a service plan",
    )  # fmt: skip
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def plans(self, request, pk=None):
        if request.method == "GET":
            plans = selectors.plans_of(self._account(pk))
            return Response(ServicePlanSerializer(plans, many=True).data)
        account = self._account(pk, "keyaccounts.plan")
        incoming = ServicePlanCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = services.plan_create(actor=request.user, account=account, data=incoming.validated_data)
        return Response(ServicePlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemCreateSerializer, responses={201: PlanItemSerializer}, summary="Add a plan item")
    @action(detail=True, methods=["post"], url_path="plans/<int:plan_pk>/items")
    def plan_items(self, request, pk=None, plan_pk=None):
        account = self._account(pk, "keyaccounts.plan")
        plan = get_object_or_404(ServicePlan, pk=plan_pk, account=account)
        incoming = PlanItemCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = services.plan_item_add(actor=request.user, plan=plan, data=incoming.validated_data)
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemDoneSerializer, responses=PlanItemSerializer, summary="Mark a plan item done")
    @action(detail=True, methods=["post"], url_path="items/<int:item_pk>/done")
    def item_done(self, request, pk=None, item_pk=None):
        account = self._account(pk, "keyaccounts.plan")
        item = get_object_or_404(PlanItem, pk=item_pk, plan__account=account)
        incoming = PlanItemDoneSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        item = services.plan_item_complete(
            actor=request.user, item=item, outcome=data.get("outcome", ""), done_on=data.get("done_on")
        )
        return Response(PlanItemSerializer(item).data)

    @extend_schema(
        methods=["get"], responses=AgreementSerializer(many=True),
        summary="Group agreements (business file: the team and their superiors only)",
    )  # fmt: skip
    @extend_schema(
        methods=["post"], request={"multipart/form-data": AgreementCreateSerializer},
        responses={201: AgreementSerializer}, summary="Keep a group agreement (multipart, with its file)",
    )  # fmt: skip
    @action(
        detail=True, methods=["get", "post"], pagination_class=None,
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )  # fmt: skip
    def agreements(self, request, pk=None):
        account = self._account(pk, "keyaccounts.view" if request.method == "GET" else "keyaccounts.plan")
        selectors.require_business_file(request.user, account.customer)
        if request.method == "GET":
            return Response(AgreementSerializer(selectors.agreements_of(account), many=True).data)
        incoming = AgreementCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        uploaded = data.pop("file", None)
        agreement = services.agreement_add(actor=request.user, account=account, data=data, uploaded_file=uploaded)
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="No file")},
        summary="The agreement's signed copy (business file only)",
    )
    @action(detail=True, methods=["get"], url_path="agreements/<int:agreement_pk>/file")
    def agreement_file(self, request, pk=None, agreement_pk=None):
        account = self._account(pk)
        agreement = selectors.get_agreement_for_user(request.user, account, agreement_pk)
        if not agreement.file:
            raise Http404
        return FileResponse(
            agreement.file.open("rb"), as_attachment=True, filename=agreement.original_name or "agreement"
        )
