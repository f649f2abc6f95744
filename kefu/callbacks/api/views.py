"""Callback endpoints: the same selectors and services as the desk and the call screen."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.pagination import UnorderedCountPagination
from kefu.org.permissions import require_capability

from .. import campaigns, selectors, services
from ..models import CallbackRule
from .serializers import (
    CallbackAttemptSerializer,
    CallbackDetailSerializer,
    CallbackResultSerializer,
    CallbackRuleSerializer,
    CallbackSerializer,
    CampaignCallRecordSerializer,
    CampaignCallRefSerializer,
    CampaignCallSerializer,
    CampaignReportSerializer,
    CampaignSerializer,
    SatisfactionQuerySerializer,
    SatisfactionRowSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="The callback desk: pending callbacks due today (show=all: every pending one)",
        parameters=[OpenApiParameter("show", str, enum=["today", "all"], required=False)],
    ),
    retrieve=extend_schema(summary="One callback with its script"),
)
class CallbackViewSet(viewsets.GenericViewSet):
    serializer_class = CallbackSerializer
    pagination_class = UnorderedCountPagination
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.callbacks_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "callbacks.view")
        tasks = selectors.desk(request.user, include_later=request.query_params.get("show") == "all")
        page = self.paginate_queryset(tasks.select_related("ticket", "customer"))
        return self.get_paginated_response(CallbackSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        task = selectors.get_callback_for_user(request.user, pk)
        return Response(CallbackDetailSerializer(task, context={"request": request}).data)

    @extend_schema(request=None, responses=CallbackSerializer, summary="Claim a callback (409 if another agent has it)")
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        task = services.callback_claim(actor=request.user, callback=selectors.get_callback_for_user(request.user, pk))
        return Response(CallbackSerializer(task).data)

    @extend_schema(request=None, responses=CallbackSerializer, summary="Give a claimed callback back to the desk")
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        task = services.callback_release(actor=request.user, callback=selectors.get_callback_for_user(request.user, pk))
        return Response(CallbackSerializer(task).data)

    @extend_schema(request=CallbackResultSerializer, responses=CallbackSerializer, summary="Record the result")
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        task = selectors.get_callback_for_user(request.user, pk)
        incoming = CallbackResultSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        task = services.callback_record(
            actor=request.user,
            callback=task,
            result=data["result"],
            answers=data.get("answers") or {},
            comment=data["comment"],
            expected_version=data.get("version"),
        )
        return Response(CallbackSerializer(task).data)

    @extend_schema(request=CallbackAttemptSerializer, responses=CallbackSerializer, summary="Record a failed attempt")
    @action(detail=True, methods=["post"])
    def attempt(self, request, pk=None):
        task = selectors.get_callback_for_user(request.user, pk)
        incoming = CallbackAttemptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        task = services.callback_attempt_failed(
            actor=request.user, callback=task, outcome=data["outcome"], note=data["note"], call_at=data["call_at"]
        )
        return Response(CallbackSerializer(task).data)

    @extend_schema(
        parameters=[SatisfactionQuerySerializer],
        responses=SatisfactionRowSerializer(many=True),
        summary="Satisfaction = (satisfied + basically satisfied) ÷ successful callbacks, grouped",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def satisfaction(self, request):
        require_capability(request.user, "callbacks.report")
        query = SatisfactionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        since = query.validated_data.get("since") or today - timedelta(days=30)
        until = query.validated_data.get("until") or today
        since, until = min(since, until), max(since, until)
        rows = selectors.satisfaction(request.user, since, until, query.validated_data["by"])
        return Response(SatisfactionRowSerializer([{**r, "group": str(r["group"])} for r in rows], many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Callback rules"),
    create=extend_schema(summary="Add a callback rule"),
    retrieve=extend_schema(summary="One callback rule"),
    update=extend_schema(summary="Change a callback rule"),
    partial_update=extend_schema(summary="Change some settings of a callback rule"),
    deactivate=extend_schema(summary="Switch a callback rule off (its tasks stay)", request=None),
)
class CallbackRuleViewSet(viewsets.GenericViewSet):
    serializer_class = CallbackRuleSerializer
    pagination_class = None
    lookup_value_converter = "int"

    def get_queryset(self):
        return CallbackRule.objects.all()

    def list(self, request):
        require_capability(request.user, "callbacks.configure")
        return Response(CallbackRuleSerializer(self.get_queryset(), many=True).data)

    def create(self, request):
        require_capability(request.user, "callbacks.configure")
        incoming = CallbackRuleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rule = services.callback_rule_save(actor=request.user, rule=CallbackRule(**incoming.validated_data))
        return Response(CallbackRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        require_capability(request.user, "callbacks.configure")
        return Response(CallbackRuleSerializer(self.get_object()).data)

    def update(self, request, pk=None, partial=False):
        require_capability(request.user, "callbacks.configure")
        rule = self.get_object()
        incoming = CallbackRuleSerializer(rule, data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        rule = services.callback_rule_update(actor=request.user, rule=rule, changes=incoming.validated_data)
        return Response(CallbackRuleSerializer(rule).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        require_capability(request.user, "callbacks.configure")
        rule = services.callback_rule_deactivate(actor=request.user, rule=self.get_object())
        return Response(CallbackRuleSerializer(rule).data)


@extend_schema_view(
    list=extend_schema(summary="Proactive service campaigns (主动服务)"),
    create=extend_schema(summary="Start a campaign calling every member site of a head office"),
)
class CampaignViewSet(viewsets.GenericViewSet):
    serializer_class = CampaignSerializer
    pagination_class = None
    lookup_value_converter = "int"

    def get_queryset(self):
        return campaigns.campaigns_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "callbacks.view")
        return Response(CampaignSerializer(self.get_queryset()[:100], many=True).data)

    def create(self, request):
        incoming = CampaignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        campaign = campaigns.campaign_create(
            actor=request.user,
            name=incoming.validated_data["name"],
            head_office_id=incoming.validated_data["head_office_id"],
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CampaignReportSerializer, summary="The report for the head office")
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        report = campaigns.campaign_report(campaigns.get_campaign_for_user(request.user, pk))
        return Response(CampaignReportSerializer(report).data)

    def _site(self, request, pk):
        from django.shortcuts import get_object_or_404

        campaign = campaigns.get_campaign_for_user(request.user, pk)
        incoming = CampaignCallRefSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return get_object_or_404(campaign.calls, pk=incoming.validated_data["call"])

    @extend_schema(
        request=CampaignCallRefSerializer,
        responses=CampaignCallSerializer,
        summary="Take a site before calling it (409 if another agent is calling it)",
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        call = campaigns.campaign_call_claim(actor=request.user, call=self._site(request, pk))
        return Response(CampaignCallSerializer(call).data)

    @extend_schema(request=CampaignCallRefSerializer, responses=CampaignCallSerializer, summary="Give a site back")
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        call = campaigns.campaign_call_release(actor=request.user, call=self._site(request, pk))
        return Response(CampaignCallSerializer(call).data)

    @extend_schema(
        request=CampaignCallRecordSerializer,
        responses=CampaignCallSerializer,
        summary="Record a site's call (claimed first)",
    )
    @action(detail=True, methods=["post"])
    def call(self, request, pk=None):
        from django.shortcuts import get_object_or_404

        campaign = campaigns.get_campaign_for_user(request.user, pk)
        incoming = CampaignCallRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        call = campaigns.campaign_call_record(
            actor=request.user,
            call=get_object_or_404(campaign.calls, pk=data["call"]),
            reached=data["reached"],
            result=data["result"],
            faults=data["faults"],
            note=data["note"],
        )
        return Response(CampaignCallSerializer(call).data)
