"""Pagination that stays fast at millions of rows: counts stop at a cap.

Shared by every list page and the API's list endpoints.
"""

from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


def list_page_size() -> int:
    return settings.KEFU_LIST_PAGE_SIZE


def search_count_cap() -> int:
    """Keyword searches count only this far (default 100): "more than 100, refine the search".

    PostgreSQL cannot estimate how often the characters of a Chinese word occur together, so a
    long count of a common word may be planned as a read of every match, on a large archive
    for seconds; a hundred matches are found after a few hundred rows (bench/README.md)."""
    return settings.KEFU_SEARCH_COUNT_CAP


def list_count_cap() -> int:
    """Lists count matches up to this many; beyond it they say "more than N" (default 1,000)."""
    return settings.KEFU_LIST_COUNT_CAP


class CappedCountPaginator(Paginator):
    """A paginator that stops counting at `cap`: the list says "more than 1,000 customers".

    Why, on a large archive on PostgreSQL (figures in bench/README.md, customer lookup):
    1. An exact count reads every matching row: a search for one common character (王, 公)
       matches a tenth of all customers, and counting them costs more than the page itself.
       The capped count reads at most cap + 1 matches, newest first. The order matters: in
       creation order matches are spread evenly, while without an order PostgreSQL read the
       name index in name order and, for 王 which sorts late, passed 580,000 names before the
       first match. Pages run to cap / page size.
    2. The first page is fetched before counting: when it is not full, its length is the
       count and the count query is skipped (a lookup by phone number is one query).
    With `count_newest_first=False` the count has no order, so that the database may read
    whichever index fits the filter: at 500,000 open requests, counting the first 101 matches
    of a rare keyword newest first walked the open requests one by one; unordered, the
    keyword index answers it (capped_count below, the same reasoning).
    With `count_with_first_page=True` (a small cap: keyword searches) the first page reads the
    first cap + 1 matches in the list's order and counts them, one query instead of two: the
    25 newest matches of a common word take as long to find as the 101 newest, because finding
    matches, not returning them, is the work.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap: int | None = None,
        hydrate=None,
        count_newest_first=True,
        count_with_first_page=False,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else list_count_cap()
        self.count_newest_first = count_newest_first
        self.count_with_first_page = count_with_first_page
        # With `hydrate`, object_list is a queryset of primary keys and hydrate(pks) returns the
        # page's rows in that order: the database sorts narrow index entries, then joins 25 rows
        # (a deferred join), instead of joining every match before sorting.
        self.hydrate = hydrate

    def _get_page(self, object_list, number, paginator):
        if self.hydrate is not None:
            object_list = self.hydrate(list(object_list))
        return super()._get_page(object_list, number, paginator)

    @cached_property
    def _found(self) -> int:
        matches = self.object_list.order_by("-pk") if self.count_newest_first else self.object_list.order_by()
        return matches[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def count_is_capped(self) -> bool:
        """True when there are more matches than `count` says."""
        return self._found > self.cap

    def get_page(self, number):
        if not self._first_page_counts_itself(number):
            return super().get_page(number)
        return self._first_page()

    def page(self, number):
        # The API's pagination asks for page(number), which refuses what is not a page number;
        # its searches too read their first page and count in one query.
        if not (self.count_with_first_page and _is_page_one(number) and self._first_page_counts_itself(number)):
            return super().page(number)
        return self._first_page()

    def _first_page_counts_itself(self, number) -> bool:
        return _is_first_page(number) and self.allow_empty_first_page and not self.orphans

    def _first_page(self):
        if self.count_with_first_page:
            rows = list(self.object_list[: max(self.cap, self.per_page) + 1])
            self.__dict__["_found"] = len(rows)
            rows = rows[: self.per_page]
        else:
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["_found"] = len(rows)
        return self._get_page(rows, 1, self)


def _is_first_page(number) -> bool:
    """Page 1, or what Django's get_page reads as page 1 (missing or not a number)."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


def _is_page_one(number) -> bool:
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return False


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count up to cap, whether there are more): reads at most cap + 1 rows.

    Unordered, unlike the paginator's count, so that the database may stop early on whichever
    index fits the filter (an overdue count reads the due-date index, not the newest rows)."""
    cap = cap if cap is not None else list_count_cap()
    found = queryset.order_by().values("pk")[: cap + 1].count()  # no annotations in the inner select
    return min(found, cap), found > cap


class CappedPageNumberPagination(PageNumberPagination):
    """The API's pages: `count` stops at the cap and `count_is_capped` says when it did."""

    page_size_query_param = "page_size"
    max_page_size = 200
    searching = False

    @property
    def django_paginator_class(self):
        if self.searching:
            return partial(CappedCountPaginator, cap=search_count_cap(), count_with_first_page=True)
        return CappedCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.searching = bool(request.query_params.get("q", "").strip())
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": self.page.paginator.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_capped"] = {"type": "boolean", "example": False}
        return response


class UnorderedCountPagination(CappedPageNumberPagination):
    """Pages counted without an order, so the list's own index answers the capped count (a
    newest-first count walked every row newer than the matches)."""

    @property
    def django_paginator_class(self):
        return partial(CappedCountPaginator, count_newest_first=False)
