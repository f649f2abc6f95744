"""Request API: four permission cases per endpoint, idempotent create, transitions, bounded queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.core.testing import count_queries
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.tests.factories import TicketFactory

NEW = {"ticket_type": "complaint", "channel": "wechat", "title": "停电未通知", "description": "昨日停电未通知"}


def with_transfer(ticket, c):
    return services.ticket_transfer_request(
        actor=c["agent"], ticket=ticket, to_department=c["org"]["east_team"], reason="x"
    ).pk


def with_extension(ticket, c):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=5))
    ticket.refresh_from_db()
    return services.ticket_extension_request(
        actor=c["agent"], ticket=ticket, new_due_at=ticket.due_at + timedelta(days=1), reason="x"
    ).pk


# (method, url name, uses the ticket id, body, permitted user, status, forbidden user, prepare)
ENDPOINTS = [
    ("get", "api-request-list", False, None, "manager", 200, "handler_nobody", None),
    ("post", "api-request-list", False, {**NEW, "customer": "own"}, "manager", 201, "handler", None),
    ("get", "api-request-detail", True, None, "manager", 200, "handler_nobody", None),
    ("post", "api-request-transition", True, {"code": "acknowledge"}, "manager", 200, "auditor", None),
    ("get", "api-request-events", True, None, "manager", 200, "handler_nobody", None),
    ("post", "api-request-comments", True, {"body": "已回复", "internal": False}, "manager", 201, "auditor", None),
    ("get", "api-request-attachments", True, None, "manager", 200, "handler_nobody", None),
    ("post", "api-request-assign", True, {"assignee": "crew"}, "supervisor", 200, "manager", None),
    (
        "post",
        "api-request-transfer",
        True,
        {"to_department": "east_team", "reason": "抢修"},
        "manager",
        201,
        "auditor",
        None,
    ),
    ("post", "api-request-supervise", True, {"note": "今日办结"}, "supervisor", 200, "manager", None),
    ("post", "api-request-remind", True, {"note": "请加快"}, "supervisor", 200, "manager", None),
    ("post", "api-request-link-customer", True, {"customer": "own"}, "manager", 200, "auditor", None),
    ("post", "api-transfer-decide", "transfer", {"accept": True}, "supervisor", 200, "auditor", with_transfer),
    ("post", "api-extension-decide", "extension", {"approve": True}, "supervisor", 200, "manager", with_extension),
]
IDS = [f"{e[0]} {e[1]}" for e in ENDPOINTS]


@pytest.fixture
def cast(agent, manager, supervisor, handler, auditor, org, own_customer):
    from kefu.org.tests.factories import UserFactory

    crew = UserFactory(username="crew", role="handler", org_unit=org["east_team"])
    return {"agent": agent, "manager": manager, "supervisor": supervisor, "handler": handler, "auditor": auditor,
            "org": org, "own_customer": own_customer, "crew": crew, "handler_nobody": None}  # fmt: skip


def call(endpoint, user, ticket, c):
    method, name, target, body, *_rest, prepare = endpoint
    body = dict(body or {})
    for key, value in body.items():
        if value == "own":
            body[key] = c["own_customer"].pk
        elif value == "crew":
            body[key] = c["crew"].pk
        elif value == "east_team":
            body[key] = c["org"]["east_team"].pk
    if target is True:
        url = reverse(name, args=[ticket.pk])
    elif target:
        url = reverse(name, args=[prepare(ticket, c)])
    else:
        url = reverse(name)
    client = api(user)
    return client.get(url) if method == "get" else client.post(url, body, format="json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_anonymous_call_is_refused(endpoint, cast, own_ticket):
    assert call(endpoint, None, own_ticket, cast).status_code == 401


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e[6] != "handler_nobody"],
    ids=[i for e, i in zip(ENDPOINTS, IDS, strict=True) if e[6] != "handler_nobody"],
)
def test_user_without_the_capability_is_forbidden(endpoint, cast, own_ticket):
    assert call(endpoint, cast[endpoint[6]], own_ticket, cast).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_permitted_user_can_call_it(endpoint, cast, own_ticket):
    response = call(endpoint, cast[endpoint[4]], own_ticket, cast)
    assert response.status_code == endpoint[5], response.content[:400]


SCOPED = [e for e in ENDPOINTS if e[2] is True]


@pytest.mark.parametrize("endpoint", SCOPED, ids=[f"{e[0]} {e[1]}" for e in SCOPED])
def test_request_outside_the_scope_is_not_found(endpoint, cast, foreign_ticket):
    user = cast["manager"] if endpoint[4] == "manager" else cast["supervisor"]
    assert call(endpoint, user, foreign_ticket, cast).status_code == 404


def test_a_handler_without_dispatched_requests_sees_an_empty_queue(cast, own_ticket):
    assert api(cast["handler"]).get(reverse("api-request-list")).json()["count"] == 0


def test_retried_create_with_the_same_idempotency_key_makes_one_request(agent, own_customer):
    client = api(agent)
    body = {**NEW, "customer": own_customer.pk}
    first = client.post(reverse("api-request-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="hotline-778")
    again = client.post(reverse("api-request-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="hotline-778")
    other = client.post(reverse("api-request-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="hotline-779")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert Ticket.objects.count() == 2


def test_an_idempotency_key_is_the_callers_own(manager, other_manager, own_customer, foreign_customer):
    # Two callers who happen to pick the same key each get their own request: the second must
    # never receive the first's request (outside the second caller's data scope).
    url = reverse("api-request-list")
    theirs = api(other_manager).post(
        url, {**NEW, "customer": foreign_customer.pk}, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
    )
    mine = api(manager).post(url, {**NEW, "customer": own_customer.pk}, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (theirs.status_code, mine.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert mine.json()["customer"] == own_customer.pk
    assert foreign_customer.name not in mine.content.decode()
    assert Ticket.objects.filter(idempotency_key="retry-1").count() == 2


def test_a_retry_never_returns_a_request_the_caller_can_no_longer_see(manager, other_manager, own_customer):
    url = reverse("api-request-list")
    body = {**NEW, "customer": own_customer.pk}
    first = api(manager).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    # The request has since moved out of the manager's scope (another owner, another customer).
    Ticket.objects.filter(pk=first.json()["id"]).update(owner=other_manager, customer=None)
    again = api(manager).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    assert again.status_code == 409
    assert "id" not in again.json()
    assert Ticket.objects.filter(idempotency_key="retry-2").count() == 1


def test_create_reports_every_bad_field(agent):
    response = api(agent).post(
        reverse("api-request-list"),
        {"ticket_type": "x", "channel": "fax", "title": "", "description": ""},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"ticket_type", "channel", "title", "description"}


def test_transition_is_an_event_and_an_audit_entry(agent, own_ticket):
    response = api(agent).post(
        reverse("api-request-transition", args=[own_ticket.pk]), {"code": "acknowledge"}, format="json"
    )
    assert response.json()["state"] == "acknowledged"
    assert {t["code"] for t in response.json()["transitions"]} == {"assess_valid", "assess_invalid"}
    assert TicketEvent.objects.filter(ticket=own_ticket, kind="transition").count() == 1
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=own_ticket.pk, action="updated").exists()


def test_illegal_transition_is_409_and_changes_nothing(agent, own_ticket):
    response = api(agent).post(
        reverse("api-request-transition", args=[own_ticket.pk]), {"code": "archive"}, format="json"
    )
    assert response.status_code == 409 and "已受理" in response.json()["detail"]
    assert Ticket.objects.get(pk=own_ticket.pk).version == 1


def test_missing_step_field_is_400_naming_it(agent, own_ticket):
    client = api(agent)
    client.post(reverse("api-request-transition", args=[own_ticket.pk]), {"code": "acknowledge"}, format="json")
    response = client.post(
        reverse("api-request-transition", args=[own_ticket.pk]), {"code": "assess_invalid"}, format="json"
    )
    assert response.status_code == 400 and "invalid_reason" in response.json()


def test_internal_notes_are_marked_internal(agent, own_ticket):
    api(agent).post(
        reverse("api-request-comments", args=[own_ticket.pk]), {"body": "内部", "internal": True}, format="json"
    )
    events = api(agent).get(reverse("api-request-events", args=[own_ticket.pk])).json()
    assert [e["is_internal"] for e in events if e["kind"] == "internal_note"] == [True]


def test_attachment_upload(agent, own_ticket):
    upload = SimpleUploadedFile("现场.jpg", b"\xff\xd8 photo", content_type="image/jpeg")
    response = api(agent).post(
        reverse("api-request-attachments", args=[own_ticket.pk]), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["name"] == "现场.jpg"


def test_caller_lookup_finds_the_customer_and_open_requests(agent, own_customer, own_ticket):
    response = api(agent).get(reverse("api-caller-lookup"), {"phone": own_customer.mobile})
    body = response.json()
    assert [c["name"] for c in body["customers"]] == ["张三"]
    assert [t["id"] for t in body["open_requests"]] == [own_ticket.pk]
    assert body["customers"][0]["mobile"] == own_customer.masked_mobile


def test_caller_lookup_runs_the_same_number_of_queries_for_1_and_8_open_requests(agent, own_customer):
    client = api(agent)
    TicketFactory(owner=agent, customer=own_customer)
    lookup = lambda: client.get(reverse("api-caller-lookup"), {"phone": own_customer.mobile})  # noqa: E731
    with_one = count_queries(lookup)
    for _ in range(7):
        TicketFactory(owner=agent, customer=own_customer)
    assert count_queries(lookup) == with_one
    assert len(lookup().json()["open_requests"]) == 8


def test_list_filters_by_type(agent, own_customer):
    TicketFactory(owner=agent, customer=own_customer)
    TicketFactory(owner=agent, customer=own_customer, ticket_type="inquiry")
    rows = api(agent).get(reverse("api-request-list"), {"ticket_type": "inquiry"}).json()["results"]
    assert [r["ticket_type"] for r in rows] == ["inquiry"]


def stamp_clock(ticket, **stamps):
    policy = SlaPolicy.objects.first() or SlaPolicy.objects.create(
        name="通用", calendar=default_calendar(), resolution=3
    )
    now = timezone.now()
    SlaClock.objects.create(
        ticket=ticket, metric=stamps.pop("metric", "resolution"), policy=policy, started_at=now, due_at=now,
        warn_at=now, **stamps,
    )  # fmt: skip


def test_time_limit_state_is_the_worst_running_clock_and_filters_the_list(agent, own_customer):
    now = timezone.now()
    breached, warned, stopped, plain = (TicketFactory(owner=agent, customer=own_customer) for _ in range(4))
    stamp_clock(breached, warned_at=now, breached_at=now)
    stamp_clock(breached, metric="first_response", warned_at=now)
    stamp_clock(warned, warned_at=now)
    stamp_clock(stopped, warned_at=now, breached_at=now, stopped_at=now)  # met late, then closed the clock
    client = api(agent)

    def listed(state):
        rows = client.get(reverse("api-request-list"), {"sla_state": state}).json()["results"]
        return {r["id"]: r["sla_state"] for r in rows}

    assert listed("breached") == {breached.pk: "breached"}
    assert listed("warning") == {warned.pk: "warning"}
    assert listed("ok") == {stopped.pk: "ok", plain.pk: "ok"}
    bogus = client.get(reverse("api-request-list"), {"sla_state": "bogus"})
    assert (bogus.status_code, list(bogus.json())) == (400, ["sla_state"])  # an unknown state is refused
    detail = client.get(reverse("api-request-detail", args=[breached.pk])).json()
    assert detail["sla_state"] == "breached"


def test_schema_lists_the_request_endpoints(agent):
    paths = api(agent).get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert "/api/v1/requests/" in paths and "/api/v1/requests/{id}/transition/" in paths


@pytest.mark.parametrize("url_name", ["api-request-list"])
def test_list_runs_the_same_number_of_queries_for_1_and_50_rows(agent, own_customer, url_name):
    client = api(agent)
    TicketFactory(owner=agent, customer=own_customer)
    with_one = count_queries(lambda: client.get(reverse(url_name)))
    for _ in range(49):
        TicketFactory(owner=agent, customer=own_customer)
    assert count_queries(lambda: client.get(reverse(url_name))) == with_one


def test_detail_and_events_run_the_same_number_of_queries_for_1_and_50_events(agent, own_ticket):
    client = api(agent)
    services.ticket_comment(actor=agent, ticket=own_ticket, body="一", internal=False)
    detail = lambda: client.get(reverse("api-request-detail", args=[own_ticket.pk]))  # noqa: E731
    events = lambda: client.get(reverse("api-request-events", args=[own_ticket.pk]))  # noqa: E731
    counts = (count_queries(detail), count_queries(events))
    for i in range(49):
        services.ticket_comment(actor=agent, ticket=own_ticket, body=f"第{i}条", internal=i % 2 == 0)
    assert (count_queries(detail), count_queries(events)) == counts


def test_list_count_stops_at_the_cap_and_says_so(agent, own_customer, settings):
    settings.KEFU_LIST_COUNT_CAP = 2
    TicketFactory.create_batch(3, owner=agent, customer=own_customer)
    body = api(agent).get(reverse("api-request-list")).json()
    # Pages run to the cap (KEFU_LIST_COUNT_CAP): narrow the filters to reach the rest.
    assert body["count"] == 2 and body["count_is_capped"] is True and len(body["results"]) == 2


def test_a_keyword_search_in_the_api_counts_only_to_the_search_cap(agent, own_customer, settings):
    settings.KEFU_SEARCH_COUNT_CAP = 2
    TicketFactory.create_batch(3, owner=agent, customer=own_customer, title="营业厅排队太久")
    body = api(agent).get(reverse("api-request-list"), {"q": "营业厅"}).json()
    assert body["count"] == 2 and body["count_is_capped"] is True
    assert api(agent).get(reverse("api-request-list")).json()["count_is_capped"] is False


def test_a_keyword_search_in_the_api_pages_past_the_first(agent, own_customer):
    TicketFactory.create_batch(3, owner=agent, customer=own_customer, title="营业厅排队太久")
    client = api(agent)
    first = client.get(reverse("api-request-list"), {"q": "营业厅", "page_size": 2}).json()
    second = client.get(reverse("api-request-list"), {"q": "营业厅", "page_size": 2, "page": 2}).json()
    assert first["count"] == 3 and first["next"] and len(first["results"]) == 2
    assert len(second["results"]) == 1 and second["previous"]
    assert {r["id"] for r in first["results"] + second["results"]} == {t.pk for t in own_customer.tickets.all()}
    assert client.get(reverse("api-request-list"), {"q": "营业厅", "page": "x"}).status_code == 404


def test_registering_through_the_api_reads_only_what_it_needs_of_the_customer(agent, own_customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(agent)
    client.post(reverse("api-request-list"), {**NEW, "customer": own_customer.pk}, format="json")  # warm caches
    with CaptureQueriesContext(connection) as context:
        response = client.post(reverse("api-request-list"), {**NEW, "customer": own_customer.pk}, format="json")
    assert response.status_code == 201 and response.json()["customer_name"] == "张三"
    customer_reads = [q["sql"] for q in context.captured_queries if 'FROM "customers_customer"' in q["sql"]]
    assert len(customer_reads) == 1  # the tier and the name come with it: no deferred read later
    selected = customer_reads[0].split(" FROM ")[0]
    assert '"tier"' in selected and '"name"' in selected and '"mobile"' not in selected
