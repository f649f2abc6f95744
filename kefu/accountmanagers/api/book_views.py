"""Book endpoints (管户): the same selectors as the pages (kefu.accountmanagers.books), with the
serializers that shape their answers."""

from functools import partial

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kefu.core.pagination import CappedCountPaginator, CappedPageNumberPagination
from kefu.customers.tiers import is_green_channel
from kefu.org.permissions import require_capability

from .. import books
from ..filters import BookFilter


class TierCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    green_channel = serializers.BooleanField()
    customers = serializers.IntegerField()
    incomplete = serializers.IntegerField(help_text="Customers of the tier whose data is incomplete")


class BookSummarySerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager.pk")
    manager_name = serializers.CharField(source="manager.full_name")
    customers = serializers.IntegerField()
    tiers = TierCountSerializer(many=True)
    incomplete = serializers.IntegerField()
    open_requests = serializers.IntegerField()
    awaiting_approval = serializers.IntegerField(help_text="Grade changes proposed by grading, not yet decided")
    capacity = serializers.IntegerField(help_text="0: none set")
    load_percent = serializers.IntegerField(allow_null=True)


class BookCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    grid = serializers.CharField()
    tier = serializers.CharField()
    green_channel = serializers.SerializerMethodField()
    proposed_tier = serializers.CharField(allow_null=True)
    last_contact = serializers.DateTimeField(allow_null=True)
    open_requests = serializers.IntegerField()
    completeness = serializers.IntegerField(help_text="Percent of the checks that apply to the customer")
    missing = serializers.SerializerMethodField()

    def get_green_channel(self, customer) -> bool:
        return is_green_channel(customer.tier)

    def get_missing(self, customer) -> list[str]:
        return [check.code for check in customer.missing]


class ManagerLoadSerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager.pk")
    manager_name = serializers.CharField(source="manager.full_name")
    active = serializers.BooleanField(source="manager.is_active")
    level = serializers.CharField(allow_null=True)
    customers = serializers.IntegerField()
    by_tier = serializers.SerializerMethodField()
    capacity = serializers.IntegerField()
    load_percent = serializers.IntegerField(allow_null=True)
    over_capacity = serializers.BooleanField()

    def get_by_tier(self, row) -> dict[str, int]:
        return dict(zip((tier.code for tier in self.context["tiers"]), row.by_tier, strict=True))


class SpreadSerializer(serializers.Serializer):
    managers = serializers.IntegerField()
    customers = serializers.IntegerField()
    fewest = serializers.IntegerField()
    most = serializers.IntegerField()
    mean = serializers.FloatField()
    spread = serializers.IntegerField(help_text="most − fewest")


class GridSpreadSerializer(SpreadSerializer):
    grid = serializers.CharField()


class BalanceSerializer(serializers.Serializer):
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="When the customers were counted")
    overall = SpreadSerializer()
    grids = GridSpreadSerializer(many=True)
    unassigned = serializers.IntegerField(help_text="Customers without an account manager")
    unassigned_by_tier = serializers.DictField(child=serializers.IntegerField())
    over_capacity = serializers.IntegerField(help_text="Managers holding more customers than their capacity")


class RefreshedSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    refreshed_at = serializers.DateTimeField()


class OverviewQuerySerializer(serializers.Serializer):
    ordering = serializers.ChoiceField(choices=books.MANAGER_ORDERINGS, required=False, default="name")


class _ListPaginator(Paginator):
    """Pages of a list worked out in Python (the managers' loads): its length is its count."""

    count_is_capped = False


class ManagerLoadPagination(CappedPageNumberPagination):
    @property
    def django_paginator_class(self):
        return _ListPaginator


class BookCustomerPagination(CappedPageNumberPagination):
    """A book's customers paged over their keys; the page's rows are read by books.book_rows."""

    @property
    def django_paginator_class(self):
        return partial(CappedCountPaginator, hydrate=books.book_rows)


BOOK_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Name fragment, phone or customer number"),
    OpenApiParameter("tier", OpenApiTypes.STR),
    OpenApiParameter("incomplete", OpenApiTypes.BOOL, description="Only customers whose data is (in)complete"),
    OpenApiParameter("awaiting_approval", OpenApiTypes.BOOL, description="With a grade change awaiting approval"),
    OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(books.ORDERINGS)),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


@extend_schema_view(
    list=extend_schema(
        summary="Load per account manager in your scope (customers by tier, capacity)",
        parameters=[OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(books.MANAGER_ORDERINGS))],
    ),
    retrieve=extend_schema(summary="One manager's book: customers by tier, open requests, data to complete"),
)
class BookViewSet(viewsets.GenericViewSet):
    """Account managers' books: an account manager their own, a supervisor their subtree's,
    auditors and admins all; another manager's id answers 404."""

    serializer_class = ManagerLoadSerializer
    pagination_class = ManagerLoadPagination
    lookup_value_converter = "int"
    filter_backends = []  # the book's filters are checked by BookFilter in `customers`

    def get_queryset(self):
        return books.book_managers_visible_to(self.request.user)

    def list(self, request):
        require_capability(request.user, "books.view")
        query = OverviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        overview = books.books_overview(request.user, ordering=query.validated_data["ordering"])
        page = self.paginate_queryset(overview["managers"])
        context = {"tiers": overview["tiers"]}
        return self.get_paginated_response(ManagerLoadSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Balance of the books: spread per manager overall and per grid, customers without a manager",
        responses=BalanceSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def balance(self, request):
        require_capability(request.user, "books.view")
        overview = books.books_overview(request.user)
        data = {
            **overview,
            "overall": overview["overall"].__dict__,
            "grids": [{"grid": row["grid"], **row["spread"].__dict__} for row in overview["grids"]],
            "unassigned_by_tier": {tier.code: n for tier, n in overview["unassigned_by_tier"]},
        }
        return Response(BalanceSerializer(data).data)

    @extend_schema(request=None, responses=RefreshedSerializer, summary="Count the books again now")
    @action(detail=False, methods=["post"], url_path="count")
    def count(self, request):
        require_capability(request.user, "books.refresh")
        return Response(RefreshedSerializer(books.books_refresh()).data)

    @extend_schema(responses=BookSummarySerializer)
    def retrieve(self, request, pk=None):
        manager = books.get_book_manager_for_user(request.user, pk)
        return Response(BookSummarySerializer(books.book_summary(request.user, manager)).data)

    @extend_schema(
        summary="The customers of one manager's book, top tier first",
        parameters=BOOK_FILTERS,
        responses=BookCustomerSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=BookCustomerPagination)
    def customers(self, request, pk=None):
        manager = books.get_book_manager_for_user(request.user, pk)
        filterset = BookFilter(request.query_params, queryset=books.book_customers(request.user, manager))
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs.values_list("pk", flat=True))
        return self.get_paginated_response(BookCustomerSerializer(page, many=True).data)
