"""Every request page and action: anonymous, without permission, permitted, outside scope; plus behaviour."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError
from kefu.core.testing import count_queries
from kefu.customers.tests.factories import CustomerFactory
from kefu.org.tests.factories import UserFactory
from kefu.tickets import selectors, services
from kefu.tickets.models import Ticket, TicketEvent, Transfer
from kefu.tickets.tests.factories import TicketFactory

COMPLAINT = {
    "ticket_type": "complaint",
    "channel": "phone",
    "priority": "normal",
    "title": "计划停电未提前通知",
    "description": "小区昨日停电8小时，没有收到任何通知。",
    "remedy_requested": "书面道歉",
}


def attach(ticket, actor, name="现场照片.jpg", internal=False):
    upload = SimpleUploadedFile(name, b"\xff\xd8 a photo", content_type="image/jpeg")
    return services.ticket_attach(actor=actor, ticket=ticket, uploaded_file=upload, internal=internal)


def with_due_date(c, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + timedelta(hours=30))


def with_pending_transfer(c, ticket):
    # Transferred within its own branch: a department asked to take a request over sees it,
    # so a west request transferred east would be in the east supervisor's scope.
    own_side = ticket.customer and ticket.customer.org_unit.path.startswith(c.org["east"].path)
    to_department = c.org["east"] if own_side else c.org["west"]
    services.ticket_transfer_request(actor=c.agent, ticket=ticket, to_department=to_department, reason="属抢修范围")


def with_pending_extension(c, ticket):
    with_due_date(c, ticket)
    ticket.refresh_from_db()
    services.ticket_extension_request(
        actor=c.agent, ticket=ticket, new_due_at=ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )


def with_survivor(c, ticket):
    c.survivor = TicketFactory(owner=c.agent, customer=c.own_customer)


def with_attachment(c, ticket):
    c.attachment = attach(ticket, c.agent)


@dataclass
class Page:
    name: str
    method: str = "get"
    target: str | None = None  # "ticket" or "attachment": the object in the URL
    data: object = None  # a dict, or a function of the cast returning one
    ok_status: int = 200
    user: str = "manager"  # who may use it (for their own customer's request)
    forbidden: str = "auditor"  # a user whose role lacks the capability
    prepare: object = None  # sets up what the action needs, on the request in the URL
    extra: tuple = ()


PAGES = [
    Page("tickets:queue", forbidden="nobody"),
    Page("tickets:create", forbidden="handler"),
    Page(
        "tickets:create",
        "post",
        data=lambda c: {**COMPLAINT, "customer": c.own_customer.pk, "token": "t1"},
        ok_status=302,
        forbidden="handler",
    ),
    Page("tickets:customer_lookup", data={"lookup": "张三"}, forbidden="handler"),
    Page("tickets:detail", target="ticket", forbidden="nobody"),
    Page("tickets:transition", target="ticket", extra=("acknowledge",)),
    Page("tickets:transition", "post", target="ticket", extra=("acknowledge",), ok_status=302),
    Page(
        "tickets:comment", "post", target="ticket", data={"body": "已致电客户说明", "decision": "reply"}, ok_status=302
    ),
    Page(
        "tickets:attach",
        "post",
        target="ticket",
        data=lambda c: {"file": SimpleUploadedFile("记录.txt", b"notes")},
        ok_status=302,
    ),
    Page("tickets:attachment", target="attachment", prepare=with_attachment, forbidden="nobody"),
    Page(
        "tickets:assign",
        "post",
        target="ticket",
        data=lambda c: {"department": c.org["east_team"].pk},
        ok_status=302,
        user="supervisor",
    ),
    Page(
        "tickets:transfer",
        "post",
        target="ticket",
        data=lambda c: {"to_department": c.org["east_team"].pk, "reason": "属营销部处理"},
        ok_status=302,
    ),
    Page(
        "tickets:transfer_decide",
        "post",
        target="ticket",
        data={"decision": "accept"},
        ok_status=302,
        user="supervisor",
        prepare=with_pending_transfer,
    ),
    Page("tickets:supervise", "post", target="ticket", data={"note": "今日答复"}, ok_status=302, user="supervisor"),
    Page("tickets:remind", "post", target="ticket", data={"note": "请加快"}, ok_status=302, user="supervisor"),
    Page(
        "tickets:merge",
        "post",
        target="ticket",
        data=lambda c: {"number": c.survivor.number},
        ok_status=302,
        user="supervisor",
        prepare=with_survivor,
    ),
    Page(
        "tickets:extension_request",
        "post",
        target="ticket",
        data=lambda c: {
            "new_due_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "需协调施工队",
        },
        ok_status=302,
        prepare=with_due_date,
    ),
    Page(
        "tickets:extension_decide",
        "post",
        target="ticket",
        data={"decision": "approve"},
        ok_status=302,
        user="supervisor",
        prepare=with_pending_extension,
    ),
    Page(
        "tickets:link_customer",
        "post",
        target="ticket",
        data=lambda c: {"customer": c.own_customer.pk},
        ok_status=302,
    ),
]
SCOPED = [p for p in PAGES if p.target]
IDS = [f"{p.method} {p.name} {' '.join(p.extra)}".strip() for p in PAGES]


@pytest.fixture
def cast(request, org, agent, manager, supervisor, handler, auditor, nobody, own_customer, foreign_customer):
    return SimpleNamespace(
        org=org, agent=agent, manager=manager, supervisor=supervisor, handler=handler, auditor=auditor,
        nobody=nobody, own_customer=own_customer, foreign_customer=foreign_customer,
    )  # fmt: skip


def call(client, page: Page, c, ticket):
    """Prepare what the page needs on `ticket`, then request it."""
    if page.prepare:
        page.prepare(c, ticket)
    args = []
    if page.target == "ticket":
        args = [ticket.pk]
    elif page.target == "attachment":
        args = [c.attachment.pk]
    url = reverse(page.name, args=[*args, *page.extra])
    data = page.data(c) if callable(page.data) else (page.data or {})
    return getattr(client, page.method)(url, data)


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_anonymous_visitor_is_sent_to_login(client, page, cast, own_ticket):
    response = call(client, page, cast, own_ticket)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_user_without_the_capability_is_forbidden(client_for, page, cast, own_ticket):
    response = call(client_for(getattr(cast, page.forbidden)), page, cast, own_ticket)
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_permitted_user_can_use_the_page_for_a_request_in_scope(client_for, page, cast, own_ticket):
    response = call(client_for(getattr(cast, page.user)), page, cast, own_ticket)
    assert response.status_code == page.ok_status, response.content[:800]


@pytest.mark.parametrize("page", SCOPED, ids=[f"{p.method} {p.name}" for p in SCOPED])
def test_request_outside_the_scope_is_not_found(client_for, page, cast, foreign_ticket):
    response = call(client_for(getattr(cast, page.user)), page, cast, foreign_ticket)
    assert response.status_code == 404


def test_customer_lookup_does_not_choose_a_customer_outside_the_scope(client_for, manager, foreign_customer):
    url = reverse("tickets:customer_lookup")
    assert client_for(manager).get(url, {"chosen": foreign_customer.pk}).status_code == 404
    body = client_for(manager).get(url, {"lookup": foreign_customer.name}).content.decode()
    assert foreign_customer.name not in body


# --- registering ---------------------------------------------------------------------------


def test_creating_a_request_from_the_form_makes_the_agent_its_owner(client_for, agent, own_customer):
    response = client_for(agent).post(
        reverse("tickets:create"), {**COMPLAINT, "customer": own_customer.pk, "token": "abc"}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("tickets:detail", args=[ticket.pk])
    assert ticket.owner == agent and ticket.created_by == agent
    assert ticket.customer == own_customer and ticket.remedy_requested == "书面道歉"


def test_a_double_submitted_form_registers_one_request(client_for, agent, own_customer):
    client = client_for(agent)
    data = {**COMPLAINT, "customer": own_customer.pk, "token": "same-token"}
    first = client.post(reverse("tickets:create"), data)
    second = client.post(reverse("tickets:create"), data)
    assert Ticket.objects.count() == 1
    assert first.url == second.url


def test_the_create_form_names_every_missing_field_and_registers_nothing(client_for, agent):
    response = client_for(agent).post(reverse("tickets:create"), {"ticket_type": "complaint", "channel": "phone"})
    assert response.status_code == 200
    assert {"title", "description"} <= set(response.context["form"].errors)
    assert not Ticket.objects.exists()


def test_a_request_without_customer_or_caller_is_refused_on_the_customer_field(client_for, agent):
    response = client_for(agent).post(reverse("tickets:create"), COMPLAINT)
    assert response.status_code == 200
    assert "customer" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_an_unidentified_caller_is_registered_by_name_and_phone(client_for, agent):
    data = {**COMPLAINT, "caller_name": "王先生", "caller_phone": "138 0000 1111"}
    client_for(agent).post(reverse("tickets:create"), data)
    ticket = Ticket.objects.get()
    assert ticket.customer is None and ticket.caller_phone == "13800001111"


def test_screen_pop_by_phone_shows_the_customer_and_their_open_requests(client_for, agent, own_customer):
    open_one = TicketFactory(owner=agent, customer=own_customer, title="上周报修未处理")
    response = client_for(agent).get(reverse("tickets:create"), {"phone": own_customer.mobile})
    body = response.content.decode()
    assert response.context["chosen"] == own_customer
    assert f'name="customer" value="{own_customer.pk}"' in body
    assert open_one.number in body and "上周报修未处理" in body
    shown = body.replace(f"?phone={own_customer.mobile}", "")  # the page's own address (language switch)
    assert own_customer.masked_mobile in shown and own_customer.mobile not in shown


def test_screen_pop_for_an_unknown_number_notes_it_as_the_caller_phone(client_for, agent):
    earlier = TicketFactory(owner=agent, caller_phone="13700001234", title="来电咨询电价")
    response = client_for(agent).get(reverse("tickets:create"), {"phone": "137-0000-1234"})
    assert response.context["chosen"] is None
    assert response.context["form"]["caller_phone"].value() == "13700001234"
    assert earlier.number in response.content.decode()


def test_screen_pop_with_several_customers_lists_them_to_choose(client_for, agent, own_customer):
    CustomerFactory(name="张三的公司", phone=own_customer.mobile)
    body = client_for(agent).get(reverse("tickets:create"), {"phone": own_customer.mobile}).content.decode()
    assert body.count("?chosen=") == 2


def test_customer_lookup_shows_masked_numbers(client_for, agent, own_customer):
    body = client_for(agent).get(reverse("tickets:customer_lookup"), {"lookup": own_customer.mobile}).content.decode()
    assert own_customer.name in body and own_customer.masked_mobile in body
    assert own_customer.mobile not in body


# --- the request page and its actions ---------------------------------------------------------


def step_url(ticket, code):
    return reverse("tickets:transition", args=[ticket.pk, code])


def test_an_illegal_transition_shows_its_message_and_changes_nothing(client_for, manager, own_ticket):
    response = client_for(manager).post(step_url(own_ticket, "archive"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已受理" in response.content.decode()  # “archive” is not possible while the request is “已受理”
    assert response.context["form"].non_field_errors()
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert ticket.state.code == "registered" and ticket.version == own_ticket.version
    assert not TicketEvent.objects.filter(ticket=ticket, kind="transition").exists()


def test_opening_a_step_that_is_not_possible_now_says_so(client_for, manager, own_ticket):
    response = client_for(manager).get(step_url(own_ticket, "archive"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已受理" in response.context["form"].notice and "已受理" in response.content.decode()


def test_a_step_the_user_may_not_take_is_refused_with_a_message(client_for, manager, own_ticket, agent):
    services.ticket_transition(actor=agent, ticket=own_ticket, code="acknowledge")
    services.ticket_transition(actor=agent, ticket=own_ticket, code="assess_valid")
    services.ticket_transition(actor=agent, ticket=own_ticket, code="propose_plan", fields={"resolution_plan": "赔偿"})
    response = client_for(manager).post(step_url(own_ticket, "approve_plan"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Ticket.objects.get(pk=own_ticket.pk).state.code == "plan_proposed"


def test_the_step_form_has_exactly_the_required_fields_and_a_note(client_for, manager, own_ticket, agent):
    services.ticket_transition(actor=agent, ticket=own_ticket, code="acknowledge")
    client = client_for(manager)
    invalid = client.get(step_url(own_ticket, "assess_invalid"), HTTP_HX_REQUEST="true")
    assert "<html" not in invalid.content.decode()
    assert set(invalid.context["form"].fields) == {"invalid_reason", "version", "note"}
    assert set(client.get(step_url(own_ticket, "assess_valid")).context["form"].fields) == {"version", "note"}


def test_the_step_form_requires_the_required_fields(client_for, manager, own_ticket, agent):
    services.ticket_transition(actor=agent, ticket=own_ticket, code="acknowledge")
    client = client_for(manager)
    refused = client.post(step_url(own_ticket, "assess_invalid"), {"invalid_reason": "  "})
    assert refused.status_code == 200 and "invalid_reason" in refused.context["form"].errors
    assert Ticket.objects.get(pk=own_ticket.pk).state.code == "acknowledged"
    done = client.post(step_url(own_ticket, "assess_invalid"), {"invalid_reason": "属欠费停电", "note": "已电话告知"})
    assert done.status_code == 302
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert ticket.state.code == "invalid" and ticket.invalid_reason == "属欠费停电" and ticket.closed_at


def test_dispatch_offers_the_departments_as_a_select(client_for, manager, own_ticket, agent, org):
    for code in ("acknowledge", "assess_valid"):
        services.ticket_transition(actor=agent, ticket=own_ticket, code=code)
    client = client_for(manager)
    body = client.get(step_url(own_ticket, "dispatch")).content.decode()
    assert '<select name="department"' in body and "城东营销部" in body
    client.post(step_url(own_ticket, "dispatch"), {"department": org["east_team"].pk})
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert ticket.state.code == "dispatched" and ticket.department == org["east_team"]


def test_a_step_on_a_stale_page_asks_to_reload(client_for, manager, own_ticket):
    Ticket.objects.filter(pk=own_ticket.pk).update(version=own_ticket.version + 1)  # someone else was quicker
    response = client_for(manager).post(step_url(own_ticket, "acknowledge"), {"version": own_ticket.version})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(ConflictError.default_message)]
    assert Ticket.objects.get(pk=own_ticket.pk).state.code == "registered"


def test_a_successful_htmx_step_reloads_the_request_page(client_for, manager, own_ticket):
    response = client_for(manager).post(step_url(own_ticket, "acknowledge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("tickets:detail", args=[own_ticket.pk])


def test_the_page_offers_only_the_steps_the_user_may_take(client_for, agent, supervisor, own_ticket):
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        services.ticket_transition(actor=agent, ticket=own_ticket, code=code, fields=fields)
    url = reverse("tickets:detail", args=[own_ticket.pk])
    assert 'data-step="approve_plan"' not in client_for(agent).get(url).content.decode()
    assert 'data-step="approve_plan"' in client_for(supervisor).get(url).content.decode()


def test_internal_notes_are_not_in_the_customer_reply_list(client_for, manager, own_ticket):
    client = client_for(manager)
    url = reverse("tickets:comment", args=[own_ticket.pk])
    client.post(url, {"body": "已安排抢修，今天下午到达", "decision": "reply"})
    client.post(url, {"body": "客户情绪激动，注意措辞", "decision": "internal_note"})
    response = client.get(reverse("tickets:detail", args=[own_ticket.pk]))
    replies = [e.body for e in response.context["replies"]]
    assert replies == ["已安排抢修，今天下午到达"]
    body = response.content.decode()
    reply_list = body[body.index('id="customer-replies"') : body.index('id="ticket-timeline"')]
    assert "已安排抢修" in reply_list and "客户情绪激动" not in reply_list
    assert "客户情绪激动" in body[body.index('id="ticket-timeline"') :]  # staff still see it in the timeline
    assert TicketEvent.objects.get(body="客户情绪激动，注意措辞").is_internal


def test_an_empty_message_is_refused_on_the_form(client_for, manager, own_ticket):
    response = client_for(manager).post(
        reverse("tickets:comment", args=[own_ticket.pk]), {"body": "", "decision": "reply"}
    )
    assert response.status_code == 200 and "body" in response.context["form"].errors


def test_attachments_are_downloaded_through_a_scope_check(client_for, manager, own_ticket, agent):
    client = client_for(manager)
    client.post(
        reverse("tickets:attach", args=[own_ticket.pk]),
        {"file": SimpleUploadedFile("电表照片.jpg", b"JPEGDATA"), "internal": "on"},
    )
    attachment = own_ticket.attachments.get()
    assert attachment.is_internal and attachment.name == "电表照片.jpg"
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == b"JPEGDATA"
    assert "attachment" in response["Content-Disposition"]
    assert "电表照片.jpg" in client.get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()


def test_the_more_actions_forms_are_fetched_only_when_their_panel_opens(client_for, supervisor, own_ticket, org):
    UserFactory(username="crew", full_name="抢修一组", role="handler", org_unit=org["east_team"])
    client = client_for(supervisor)
    page = client.get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    assign_url = reverse("tickets:assign", args=[own_ticket.pk])
    assert f'hx-get="{assign_url}"' in page and 'name="assignee"' not in page
    partial = client.get(assign_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="assign-form"' in partial and "抢修一组" in partial and "<html" not in partial
    without_scripts = client.get(assign_url).content.decode()
    assert "<html" in without_scripts and 'id="assign-form"' in without_scripts


def test_an_action_form_is_not_shown_without_the_capability(client_for, agent, own_ticket):
    assert client_for(agent).get(reverse("tickets:assign", args=[own_ticket.pk])).status_code == 403


def test_a_closed_request_offers_no_more_actions(client_for, supervisor, own_ticket):
    Ticket.objects.filter(pk=own_ticket.pk).update(closed_at=timezone.now())
    page = client_for(supervisor).get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    assert 'id="ticket-more-actions"' not in page


def test_assigning_to_a_named_handler(client_for, supervisor, own_ticket, org):
    crew = UserFactory(username="crew", full_name="抢修一组", role="handler", org_unit=org["east_team"])
    client_for(supervisor).post(reverse("tickets:assign", args=[own_ticket.pk]), {"assignee": crew.pk})
    assert Ticket.objects.get(pk=own_ticket.pk).assignee == crew


def test_assigning_needs_a_handler_or_a_department(client_for, supervisor, own_ticket):
    response = client_for(supervisor).post(reverse("tickets:assign", args=[own_ticket.pk]), {})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_the_receiving_department_accepts_a_transfer_and_becomes_owner(client_for, supervisor, agent, own_ticket, org):
    client = client_for(agent)
    client.post(
        reverse("tickets:transfer", args=[own_ticket.pk]), {"to_department": org["east"].pk, "reason": "属抢修"}
    )
    assert Transfer.objects.filter(ticket=own_ticket, status="pending").exists()
    page = client_for(supervisor).get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    assert 'id="transfer-decision-form"' in page
    assert (
        'id="transfer-decision-form"'
        not in client.get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    )
    client_for(supervisor).post(reverse("tickets:transfer_decide", args=[own_ticket.pk]), {"decision": "accept"})
    ticket = Ticket.objects.get(pk=own_ticket.pk)
    assert ticket.owner == supervisor and ticket.department == org["east"]


def test_a_supervisor_above_the_receiving_department_answers_a_transfer_from_the_request_page(
    client_for, supervisor, agent, own_ticket, org
):
    # The incoming tab lists transfers to the supervisor's units below, and the service lets the
    # supervisor answer them: the request page must offer the answer too (it did only to members).
    receiving = org["east_team"]  # a team below the supervisor's branch
    services.ticket_transfer_request(actor=agent, ticket=own_ticket, to_department=receiving, reason="属营销")
    client = client_for(supervisor)
    assert own_ticket in selectors.ticket_queue(supervisor, "incoming")
    page = client.get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    assert 'id="transfer-decision-form"' in page
    client.post(reverse("tickets:transfer_decide", args=[own_ticket.pk]), {"decision": "accept"})
    assert Ticket.objects.get(pk=own_ticket.pk).department == receiving


def test_returning_a_transfer_needs_a_reason(client_for, supervisor, agent, own_ticket, org):
    services.ticket_transfer_request(actor=agent, ticket=own_ticket, to_department=org["east"], reason="属抢修")
    response = client_for(supervisor).post(
        reverse("tickets:transfer_decide", args=[own_ticket.pk]), {"decision": "return"}
    )
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert Transfer.objects.get().status == "pending"


def test_supervising_flags_the_request_and_shows_the_badge(client_for, supervisor, own_ticket):
    client = client_for(supervisor)
    client.post(reverse("tickets:supervise", args=[own_ticket.pk]), {"note": "今日内答复"})
    assert Ticket.objects.get(pk=own_ticket.pk).supervised
    again = client.post(reverse("tickets:supervise", args=[own_ticket.pk]), {})
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_a_reminder_is_recorded_on_the_request(client_for, supervisor, own_ticket):
    client_for(supervisor).post(reverse("tickets:remind", args=[own_ticket.pk]), {"note": "请加快"})
    assert own_ticket.events.filter(kind="reminded").count() == 1


def test_merging_by_number_closes_the_duplicate(client_for, supervisor, agent, own_ticket, own_customer):
    survivor = TicketFactory(owner=agent, customer=own_customer)
    client = client_for(supervisor)
    client.post(reverse("tickets:merge", args=[own_ticket.pk]), {"number": survivor.number})
    merged = Ticket.objects.get(pk=own_ticket.pk)
    assert merged.merged_into == survivor and merged.closed_at


def test_merging_into_a_request_outside_the_scope_is_refused(client_for, supervisor, own_ticket, foreign_ticket):
    response = client_for(supervisor).post(
        reverse("tickets:merge", args=[own_ticket.pk]), {"number": foreign_ticket.number}
    )
    assert response.status_code == 200 and "number" in response.context["form"].errors
    assert Ticket.objects.get(pk=own_ticket.pk).merged_into is None


def test_an_extension_after_the_deadline_is_refused_on_the_date_field(client_for, manager, own_ticket):
    Ticket.objects.filter(pk=own_ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    response = client_for(manager).post(
        reverse("tickets:extension_request", args=[own_ticket.pk]),
        {"new_due_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "reason": "等待配件"},
    )
    assert response.status_code == 200 and "new_due_at" in response.context["form"].errors


def test_an_approved_extension_moves_the_deadline(client_for, supervisor, manager, own_ticket):
    due = timezone.now() + timedelta(hours=10)
    Ticket.objects.filter(pk=own_ticket.pk).update(due_at=due)
    new_due = timezone.localtime(due + timedelta(days=2)).replace(second=0, microsecond=0)
    client_for(manager).post(
        reverse("tickets:extension_request", args=[own_ticket.pk]),
        {"new_due_at": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "等待配件"},
    )
    page = client_for(supervisor).get(reverse("tickets:detail", args=[own_ticket.pk])).content.decode()
    assert 'id="extension-decision-form"' in page
    client_for(supervisor).post(reverse("tickets:extension_decide", args=[own_ticket.pk]), {"decision": "approve"})
    assert Ticket.objects.get(pk=own_ticket.pk).due_at == new_due


def test_an_unidentified_callers_request_is_linked_to_a_customer(client_for, agent, own_customer):
    ticket = TicketFactory(owner=agent, caller_name="王先生", caller_phone="13800001111")
    client = client_for(agent)
    assert 'id="link-customer-form"' in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    refused = client.post(reverse("tickets:link_customer", args=[ticket.pk]), {})
    assert refused.status_code == 200 and "customer" in refused.context["form"].errors
    client.post(reverse("tickets:link_customer", args=[ticket.pk]), {"customer": own_customer.pk})
    assert Ticket.objects.get(pk=ticket.pk).customer == own_customer


def test_the_request_page_shows_the_caller_phone_masked(client_for, agent):
    ticket = TicketFactory(owner=agent, caller_name="王先生", caller_phone="13800001111")
    body = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "138****1111" in body and "13800001111" not in body


def test_every_action_is_audited(client_for, manager, own_ticket):
    client_for(manager).post(reverse("tickets:comment", args=[own_ticket.pk]), {"body": "已回复", "decision": "reply"})
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=own_ticket.pk, actor=manager).exists()


# --- queues --------------------------------------------------------------------------------


def queue(client, **params):
    return client.get(reverse("tickets:queue"), params)


def numbers(response) -> set[str]:
    return {t.number for t in response.context["page_obj"]}


def test_queue_shows_only_requests_in_scope(client_for, manager, own_ticket, foreign_ticket):
    response = queue(client_for(manager), queue="all_open")
    assert numbers(response) == {own_ticket.number}


def test_queue_filters_by_type_state_department_and_number(client_for, agent, own_customer, org):
    complaint = TicketFactory(owner=agent, customer=own_customer, department=org["east"])
    inquiry = TicketFactory(owner=agent, customer=own_customer, ticket_type="inquiry", title="咨询峰谷电价")
    client = client_for(agent)
    assert numbers(queue(client, queue="all_open", ticket_type="inquiry")) == {inquiry.number}
    services.ticket_transition(actor=agent, ticket=complaint, code="acknowledge")
    assert numbers(queue(client, queue="all_open", state="acknowledged")) == {complaint.number}
    assert numbers(queue(client, queue="all_open", department=org["east"].pk)) == {complaint.number}
    assert numbers(queue(client, queue="all_open", q=inquiry.number)) == {inquiry.number}
    assert numbers(queue(client, queue="all_open", q="峰谷")) == {inquiry.number}
    assert numbers(queue(client, queue="all_open", department="x")) == {complaint.number, inquiry.number}


def test_queue_tabs_count_and_separate_the_work(client_for, agent, manager, own_customer):
    mine = TicketFactory(owner=agent, customer=own_customer)
    someone_elses = TicketFactory(owner=manager, customer=own_customer)
    overdue = TicketFactory(owner=manager, customer=own_customer, due_at=timezone.now() - timedelta(hours=2))
    client = client_for(agent)
    assert numbers(queue(client, queue="mine")) == {mine.number}
    assert numbers(queue(client, queue="overdue")) == {overdue.number}
    response = queue(client, queue="all_open")
    tabs = {tab["code"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["mine"] == 1 and tabs["overdue"] == 1 and tabs["unassigned"] == 3
    assert someone_elses.number in response.content.decode()


def test_queue_marks_overdue_and_due_soon_dates(client_for, agent, own_customer):
    TicketFactory(owner=agent, customer=own_customer, due_at=timezone.now() - timedelta(hours=2))
    TicketFactory(owner=agent, customer=own_customer, due_at=timezone.now() + timedelta(hours=3))
    TicketFactory(owner=agent, customer=own_customer, due_at=timezone.now() + timedelta(days=5))
    rows = queue(client_for(agent), queue="all_open", ordering="due").context["page_obj"]
    assert [t.due_state for t in rows] == ["overdue", "due_soon", ""]


def test_htmx_filtering_answers_with_the_table_only(client_for, agent, own_ticket):
    response = client_for(agent).get(
        reverse("tickets:queue"), {"queue": "all_open", "q": "停电"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and own_ticket.number in body and 'id="queue-tabs"' not in body


def test_the_queue_shows_the_caller_when_there_is_no_customer(client_for, agent):
    TicketFactory(owner=agent, caller_name="王先生", caller_phone="13800001111")
    body = queue(client_for(agent), queue="mine").content.decode()
    assert "王先生" in body and "138****1111" in body and "13800001111" not in body


# --- navigation and workbench ----------------------------------------------------------------


def test_sidebar_offers_requests_to_handlers_but_not_registering(client_for, handler):
    page = client_for(handler).get(reverse("workbench")).content.decode()
    assert reverse("tickets:queue") in page and reverse("tickets:create") not in page


# --- bounded queries -------------------------------------------------------------------------


def test_queue_page_runs_a_bounded_number_of_queries_for_1_and_50_rows(client_for, agent, own_customer, org):
    client = client_for(agent)
    make = lambda n: TicketFactory.create_batch(  # noqa: E731
        n, owner=agent, customer=own_customer, department=org["east"], assignee=agent
    )
    make(1)
    url = reverse("tickets:queue") + "?queue=all_open"
    client.get(url)  # warm the session and caches
    with_one = count_queries(lambda: client.get(url))
    make(49)
    # One more at most: a full first page is followed by its (capped) count; a short one is its own.
    assert count_queries(lambda: client.get(url)) == with_one + 1


def test_detail_page_runs_the_same_number_of_queries_for_1_and_50_events(client_for, supervisor, agent, own_ticket):
    client = client_for(supervisor)
    url = reverse("tickets:detail", args=[own_ticket.pk])
    attach(own_ticket, agent)
    services.ticket_comment(actor=agent, ticket=own_ticket, body="一", internal=False)
    client.get(url)
    with_one = count_queries(lambda: client.get(url))
    for i in range(49):
        services.ticket_comment(actor=supervisor, ticket=own_ticket, body=f"备注{i}", internal=bool(i % 2))
        attach(own_ticket, agent, name=f"附件{i}.jpg")
    TicketFactory.create_batch(10, owner=agent, customer=own_ticket.customer)
    assert count_queries(lambda: client.get(url)) == with_one


def test_queue_says_more_than_the_cap_when_it_stops_counting(client_for, agent, own_customer, settings):
    settings.KEFU_LIST_COUNT_CAP, settings.KEFU_LIST_PAGE_SIZE = 2, 1
    TicketFactory.create_batch(3, owner=agent, customer=own_customer)
    page = queue(client_for(agent), queue="all_open").content.decode()
    assert "超过 2 张工单" in page and "第 1 页，共 2 页以上" in page


def test_a_keyword_search_counts_only_to_the_search_cap(client_for, agent, own_customer, settings):
    settings.KEFU_SEARCH_COUNT_CAP, settings.KEFU_LIST_PAGE_SIZE = 2, 1
    TicketFactory.create_batch(3, owner=agent, customer=own_customer, title="营业厅排队太久")
    paginator = queue(client_for(agent), queue="all_open", q="营业厅").context["page_obj"].paginator
    assert paginator.count == 2 and paginator.count_is_capped


def _tables_read(client, url) -> set[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Each block's own query (the scope check reads pending transfers' request ids too).
    marks = {
        "tickets_transfer": 'SELECT "tickets_transfer"."id"',
        "tickets_extensionrequest": 'SELECT "tickets_extensionrequest"."id"',
        "tickets_attachment": 'SELECT "tickets_attachment"."id"',
        "merged_into_id": 'WHERE "tickets_ticket"."merged_into_id" =',
    }
    sqls = [query["sql"] for query in queries.captured_queries]
    return {
        name
        for name, mark in marks.items()
        if any(sql.startswith(mark) or (mark.startswith("WHERE") and mark in sql) for sql in sqls)
    }


def test_the_request_page_reads_transfers_extensions_attachments_and_duplicates_only_when_its_timeline_has_them(
    client_for, supervisor, agent, own_ticket, own_customer, org
):
    client = client_for(supervisor)
    url = reverse("tickets:detail", args=[own_ticket.pk])
    assert _tables_read(client, url) == set()
    services.ticket_transfer_request(actor=agent, ticket=own_ticket, to_department=org["east"], reason="属抢修")
    attach(own_ticket, agent)
    duplicate = TicketFactory(owner=agent, customer=own_customer)
    services.ticket_merge(actor=supervisor, ticket=duplicate, into=own_ticket)
    assert _tables_read(client, url) == {"tickets_transfer", "tickets_attachment", "merged_into_id"}
    page = client.get(url)
    assert page.context["pending_transfer"] and page.context["attachments"]
    assert [t.pk for t in page.context["duplicates"]] == [duplicate.pk]
    client.post(reverse("tickets:transfer_decide", args=[own_ticket.pk]), {"decision": "return", "note": "不属本部门"})
    assert client.get(url).context["pending_transfer"] is None
    assert "tickets_transfer" not in _tables_read(client, url)


def test_a_pending_extension_is_shown_until_it_is_decided(client_for, supervisor, agent, own_ticket):
    Ticket.objects.filter(pk=own_ticket.pk).update(due_at=timezone.now() + timedelta(hours=30))
    own_ticket.refresh_from_db()
    extension = services.ticket_extension_request(
        actor=agent, ticket=own_ticket, new_due_at=own_ticket.due_at + timedelta(days=2), reason="需协调施工队"
    )
    url = reverse("tickets:detail", args=[own_ticket.pk])
    assert client_for(supervisor).get(url).context["pending_extension"] == extension
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    assert client_for(supervisor).get(url).context["pending_extension"] is None


def test_the_request_page_reads_owner_handler_and_timeline_actors_in_one_query(
    client_for, supervisor, agent, own_ticket
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Ticket.objects.filter(pk=own_ticket.pk).update(assignee=supervisor)
    services.ticket_comment(actor=supervisor, ticket=own_ticket, body="已联系客户", internal=True)
    services.ticket_comment(actor=agent, ticket=own_ticket, body="客户已确认", internal=True)
    client = client_for(supervisor)
    url = reverse("tickets:detail", args=[own_ticket.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    user_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "org_user"')]
    # The signed-in user with their unit (the session's read), then everyone the page names in one query.
    assert len(user_reads) == 2 and '"org_user"."id" = ' in user_reads[0] and " IN (" in user_reads[1]
    ticket = page.context["ticket"]
    assert ticket.owner == own_ticket.owner and ticket.assignee == supervisor
    assert {e.actor for e in page.context["events"] if e.actor} == {agent, supervisor}


def test_a_closed_request_shows_its_transfer_withdrawn_not_waiting(client_for, supervisor, agent, own_ticket, org):
    services.ticket_transfer_request(actor=agent, ticket=own_ticket, to_department=org["east"], reason="属抢修")
    services.ticket_transition(actor=agent, ticket=own_ticket, code="acknowledge")
    services.ticket_transition(
        actor=agent, ticket=own_ticket, code="assess_invalid", fields={"invalid_reason": "重复来电"}
    )
    page = client_for(supervisor).get(reverse("tickets:detail", args=[own_ticket.pk]))
    assert page.context["pending_transfer"] is None and page.context["transfer_decision_form"] is None
    assert "转办已撤回：工单已关闭" in page.content.decode()


def test_the_overdue_tab_says_it_is_ordered_due_first(client_for, agent):
    page = client_for(agent).get(reverse("tickets:queue"), {"queue": "overdue"})
    assert page.context["filters"]["ordering"] == "due"
    assert '<option value="due" selected' in page.content.decode()
    newest = client_for(agent).get(reverse("tickets:queue"), {"queue": "overdue", "ordering": "-created"})
    assert newest.context["filters"]["ordering"] == "-created"


def test_queue_rows_link_to_their_request_pages(client_for, agent, own_customer):
    tickets = TicketFactory.create_batch(3, owner=agent, customer=own_customer)
    page = client_for(agent).get(reverse("tickets:queue"), {"queue": "all_open"}).content.decode()
    for ticket in tickets:
        assert f'href="{reverse("tickets:detail", args=[ticket.pk])}"' in page


def test_the_timeline_names_the_first_state_once_when_it_is_called_like_the_registration(
    client_for, agent, own_customer
):
    # The complaint's first state is 已受理, as the registration event is: "已受理: 已受理" said it twice.
    ticket, _ = services.ticket_create(
        actor=agent,
        data={"ticket_type": "complaint", "channel": "phone", "title": "停电", "description": "停电"},
        customer=own_customer,
    )
    page = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "已受理: 已受理" not in page and '<div class="fw-semibold">已受理</div>' in page
