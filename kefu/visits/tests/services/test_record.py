"""The visit record: appointment, outcome, issues turned into requests, data corrections through
the archive's audited service; through the service, the page and the API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.audit.models import AuditEvent
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import Ticket
from kefu.visits import services
from kefu.visits.models import Visit

pytestmark = pytest.mark.django_db

WAYS = ["service", "page", "api"]
AT = datetime(2026, 3, 12, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def visit(manager, org):
    customer = CustomerFactory(
        name="星级酒店", tier="三星", account_manager=manager, org_unit=org["east_team"], mobile=""
    )
    services.visits_plan(today=date(2026, 3, 10))
    return Visit.objects.get(customer=customer)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def record(way, user, visit, client_for, **data):
    corrections = data.pop("corrections", {})
    issues = data.pop("issues", [])
    if way == "service":
        services.visit_record(actor=user, visit=visit, data={**data, "issues": issues, "corrections": corrections})
        return 200
    if way == "page":
        form = {"version": Visit.objects.get(pk=visit.pk).version, **data, "issues": "\n".join(issues), **corrections}
        response = client_for(user).post(reverse("visits:record", args=[visit.pk]), form)
        return 200 if response.status_code == 302 else response.status_code
    body = {**data, "issues": issues, "corrections": corrections}
    return api(user).post(reverse("api-visit-record", args=[visit.pk]), body, format="json").status_code


@pytest.mark.parametrize("way", WAYS)
def test_a_visit_record_corrects_the_archive_and_its_issues_become_requests(way, visit, manager, client_for):
    status = record(
        way, manager, visit, client_for,
        purpose="年度走访", people_met="前台经理", outcome="设备运行正常", needs_found="希望增容",
        issues=["配电房照明损坏"], corrections={"mobile": "13912345678"},
    )  # fmt: skip
    assert status == 200
    visit.refresh_from_db()
    assert (visit.status, visit.outcome, visit.issues) == (
        "done",
        "设备运行正常",
        [{"text": "配电房照明损坏", "ticket": None}],
    )
    customer = Customer.objects.get(pk=visit.customer_id)
    assert customer.mobile == "13912345678" and customer.has_valid_phone
    assert AuditEvent.objects.filter(target_type="customers.customer", target_id=customer.pk, action="updated").exists()
    ticket = services.visit_issue_to_request(actor=manager, visit=visit, index=0)
    assert (ticket.channel, ticket.customer_id, ticket.title) == ("visit", customer.pk, "配电房照明损坏")
    assert services.visit_issue_to_request(actor=manager, visit=visit, index=0) == ticket  # one click, one request
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("way", WAYS)
def test_a_record_without_outcome_or_with_a_bad_phone_is_refused_and_nothing_written(way, visit, manager, client_for):
    if way == "service":
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            record(way, manager, visit, client_for, outcome="", corrections={"mobile": "123"})
        assert "outcome" in refused.value.message_dict
    else:
        assert record(way, manager, visit, client_for, outcome="", corrections={"mobile": "123"}) == 400
    visit.refresh_from_db()
    assert visit.status == "planned" and Customer.objects.get(pk=visit.customer_id).mobile == ""


@pytest.mark.parametrize("way", ["page", "api"])
def test_others_visits_are_out_of_scope(way, visit, other_manager, agent, client_for):
    if way == "page":
        assert client_for(other_manager).get(reverse("visits:detail", args=[visit.pk])).status_code == 404
        assert client_for(agent).get(reverse("visits:plan")).status_code == 403
    else:
        assert api(other_manager).get(reverse("api-visit-detail", args=[visit.pk])).status_code == 404
        assert api(agent).get(reverse("api-visit-list")).status_code == 403


def test_an_appointment_and_the_month_calendar(visit, manager, client_for):
    services.visit_book(actor=manager, visit=visit, appointment_at=AT, purpose="年度走访")
    page = client_for(manager).get(reverse("visits:month"), {"month": "2026-03"}).content.decode()
    assert "15:00 星级酒店" in page


def test_a_bad_phone_correction_is_refused_by_the_archive_and_the_visit_stays_open(visit, manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=manager, visit=visit, data={"outcome": "正常", "corrections": {"mobile": "123"}})
    assert "mobile" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_the_api_plan_refuses_an_unknown_status_naming_the_field(visit, manager):
    response = api(manager).get(reverse("api-visit-list"), {"status": "later"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "请选择" in str(response.json()["status"])
    listed = api(manager).get(reverse("api-visit-list"), {"status": "open"}).json()
    assert [row["id"] for row in listed["results"]] == [visit.pk]


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "soon"])
def test_a_month_out_of_range_shows_this_month_instead_of_failing(month, visit, manager, client_for):
    response = client_for(manager).get(reverse("visits:month"), {"month": month})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)


def test_the_api_refuses_a_purpose_longer_than_200_characters_on_the_field(visit, manager):
    body = {"outcome": "谈妥", "purpose": "访" * 201}
    response = api(manager).post(reverse("api-visit-record", args=[visit.pk]), body, format="json")
    assert response.status_code == 400 and "purpose" in response.json()
    assert Visit.objects.get(pk=visit.pk).status == "planned"
