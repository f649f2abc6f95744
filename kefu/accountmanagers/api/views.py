"""Account managers, assignment plans, hand assignment and handovers: the same selectors and
services as the pages (kefu/accountmanagers/views.py)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.org.permissions import require_capability

from .. import selectors, services
from .serializers import (
    AssignedSerializer,
    CustomerAssignSerializer,
    DepartureSerializer,
    HandoverSerializer,
    ManagerSerializer,
    MoveSerializer,
    PlanSerializer,
    ProfileSerializer,
    ProfileWriteSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Account managers in your scope, with their profile and number of customers"),
    retrieve=extend_schema(summary="One account manager with their profile"),
)
class AccountManagerViewSet(viewsets.GenericViewSet):
    serializer_class = ManagerSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.manager_rows(self.request.user)

    def list(self, request):
        require_capability(request.user, "managers.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ManagerSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        selectors.get_manager_for_user(request.user, pk)
        return Response(ManagerSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=ProfileWriteSerializer, responses=ProfileSerializer, summary="Create or change the manager's profile"
    )
    @action(detail=True, methods=["put"])
    def profile(self, request, pk=None):
        manager = selectors.get_manager_for_user(request.user, pk, capability="managers.manage")
        incoming = ProfileWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version", None)
        current = selectors.profile_of(manager)
        if current is not None:  # fields left out keep their value
            data = {name: data.get(name, getattr(current, name)) for name in services.PROFILE_FIELDS}
        profile = services.manager_profile_save(
            actor=request.user, manager=manager, data=data, expected_version=version
        )
        return Response(ProfileSerializer(profile).data)

    @extend_schema(
        request=DepartureSerializer,
        responses={202: PlanSerializer},
        summary="Preview a leaving manager's handover (a plan worked out in the background: read it again "
        "until its status leaves computing; nothing moves until it is applied)",
    )
    @action(detail=True, methods=["post"])
    def departure(self, request, pk=None):
        require_capability(request.user, "managers.manage")
        leaving = selectors.get_manager_for_user(request.user, pk, include_inactive=True)
        incoming = DepartureSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        plan = services.departure_preview(
            actor=request.user,
            leaving=leaving,
            successors=incoming.validated_data.get("successors", []),
            other_work_to=incoming.validated_data.get("other_work_to"),
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="Assignment plans in your scope, newest first"),
    retrieve=extend_schema(summary="One plan with its summary (reasons, loads before and after, spread)"),
)
class AssignmentPlanViewSet(viewsets.GenericViewSet):
    serializer_class = PlanSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "managers.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PlanSerializer(selectors.get_plan_for_user(request.user, pk)).data)

    @extend_schema(
        request=None,
        responses={202: PlanSerializer},
        summary="Work out the automatic assignment (preview), in the background: read the plan again "
        "until its status leaves computing (draft, or failed with the reason in failure)",
    )
    def create(self, request):
        plan = services.assignment_preview(actor=request.user)
        return Response(PlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=MoveSerializer(many=True), summary="The plan's moves: who, from whom, to whom, why")
    @action(detail=True, methods=["get"])
    def moves(self, request, pk=None):
        plan = selectors.get_plan_for_user(request.user, pk)
        page = self.paginate_queryset(selectors.plan_moves(plan))
        return self.get_paginated_response(MoveSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: PlanSerializer},
        summary="Apply the plan (once), in the background: read the plan again until its status "
        "leaves applying (applied, or failed with the reason in failure)",
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        plan = selectors.get_plan_for_user(request.user, pk, capability="managers.manage")
        plan = services.plan_apply(actor=request.user, plan=plan)
        return Response(PlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=PlanSerializer, summary="Discard the plan: nothing changes")
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        plan = selectors.get_plan_for_user(request.user, pk, capability="managers.manage")
        return Response(PlanSerializer(services.plan_discard(actor=request.user, plan=plan)).data)


class AssignmentViewSet(viewsets.GenericViewSet):
    serializer_class = CustomerAssignSerializer

    @extend_schema(request=CustomerAssignSerializer, responses=AssignedSerializer, summary="Assign customers by hand")
    def create(self, request):
        require_capability(request.user, "managers.manage")
        incoming = CustomerAssignSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        moved = services.customers_assign(
            actor=request.user,
            customer_ids=incoming.validated_data["customers"],
            manager=incoming.validated_data["manager"],
        )
        return Response({"moved": moved})


@extend_schema_view(
    list=extend_schema(summary="Handovers you received or gave (a supervisor: their subtree's)"),
    retrieve=extend_schema(summary="One handover with what was handed over"),
)
class HandoverViewSet(viewsets.GenericViewSet):
    serializer_class = HandoverSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.handovers_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "managers.view")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HandoverSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(HandoverSerializer(selectors.get_handover_for_user(request.user, pk)).data)

    @extend_schema(request=None, responses=HandoverSerializer, summary="Acknowledge a handover you received")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        handover = selectors.get_handover_for_user(request.user, pk)
        return Response(HandoverSerializer(services.handover_acknowledge(actor=request.user, handover=handover)).data)
