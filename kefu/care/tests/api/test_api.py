"""The care API: the same rules as the pages (approval by the author refused, the report counting
opted-out customers), errors naming the field."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.care import services
from kefu.care.choices import BatchStatus, Occasion
from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox.choices import Channel
from kefu.outbox.models import OptOut


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def rule(admin_user, templates, green_tier):
    return services.care_rule_create(
        actor=admin_user,
        data={
            "name": "春节问候",
            "occasion": Occasion.SPRING_FESTIVAL,
            "channel": Channel.SMS,
            "purpose": "care_spring",
        },
    )


def test_rules_are_created_through_the_api_and_bad_fields_named(admin_user, templates):
    bad = api(admin_user).post("/api/v1/care/rules/", {"name": "", "occasion": "x", "channel": "sms"}, format="json")
    assert bad.status_code == 400 and {"name", "occasion", "purpose"} <= set(bad.json())
    good = api(admin_user).post(
        "/api/v1/care/rules/",
        {"name": "中秋问候", "occasion": "mid_autumn", "channel": "sms", "purpose": "care_spring", "grids": ["东1"]},
        format="json",
    )
    assert good.status_code == 201 and good.json()["grids"] == ["东1"]
    assert api(admin_user).get("/api/v1/care/rules/").json()["count"] == 1


def test_the_author_of_a_batch_cannot_approve_it_through_the_api(rule, admin_user, supervisor):
    CustomerFactory()
    quiet = CustomerFactory()
    OptOut.objects.create(customer=quiet, channel=Channel.SMS)
    made = api(admin_user).post("/api/v1/care/batches/generate/", {"rule": rule.pk, "day": "2026-02-17"}, format="json")
    assert made.status_code == 201
    batch_id = made.json()["id"]
    again = api(admin_user).post(
        "/api/v1/care/batches/generate/", {"rule": rule.pk, "day": "2026-02-17"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == batch_id
    refused = api(admin_user).post(f"/api/v1/care/batches/{batch_id}/approve/")
    assert refused.status_code == 403
    approved = api(supervisor).post(f"/api/v1/care/batches/{batch_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == BatchStatus.APPROVED
    # Queued in the background after the commit (inline in the tests).
    assert api(supervisor).get(f"/api/v1/care/batches/{batch_id}/").json()["status"] == BatchStatus.ENQUEUED
    report = api(supervisor).get(f"/api/v1/care/batches/{batch_id}/report/").json()
    assert (report["opted_out"], report["waiting"], report["total"]) == (1, 1, 2)
    twice = api(supervisor).post(f"/api/v1/care/batches/{batch_id}/approve/")
    assert twice.status_code == 409


def test_batches_list_refuses_an_unknown_status(supervisor):
    assert api(supervisor).get("/api/v1/care/batches/?status=lost").status_code == 400


def test_a_notice_through_the_api_with_stages_and_report(supervisor, templates):
    starts = timezone.now() + timedelta(days=3)
    created = api(supervisor).post(
        "/api/v1/care/notices/",
        {"kind": "planned", "title": "检修", "channel": "sms", "starts_at": starts.isoformat(), "regions": ["海淀"]},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert [stage["key"] for stage in body["stages"]] == ["7d", "1d"]
    assert api(supervisor).get(f"/api/v1/care/notices/{body['id']}/report/").json()["total"] == 0
    cancelled = api(supervisor).post(f"/api/v1/care/notices/{body['id']}/cancel/", {"version": 1}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_a_notice_with_bad_fields_names_them(supervisor, templates):
    response = api(supervisor).post(
        "/api/v1/care/notices/",
        {"kind": "planned", "title": "", "channel": "fax", "starts_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 400 and {"title", "channel"} <= set(response.json())


def test_lines_and_their_customers_through_the_api(admin_user, manager):
    CustomerFactory(code="C-7")
    line = api(admin_user).post("/api/v1/care/lines/", {"code": "L-7", "name": "七号线"}, format="json")
    assert line.status_code == 201
    added = api(admin_user).post(f"/api/v1/care/lines/{line.json()['id']}/customers/", {"customers": ["C-7"]},
                                 format="json")  # fmt: skip
    assert added.json() == {"added": 1}
    unknown = api(admin_user).post(f"/api/v1/care/lines/{line.json()['id']}/customers/", {"customers": ["C-8"]},
                                   format="json")  # fmt: skip
    assert unknown.status_code == 400 and "customers" in unknown.json()
    assert api(manager).post("/api/v1/care/lines/", {"code": "L-8", "name": "八"}, format="json").status_code == 403


def test_the_custom_dates_through_the_api(admin_user):
    response = api(admin_user).post("/api/v1/care/dates/", {"name": "公司周年", "day": "2020-05-18"}, format="json")
    assert response.status_code == 201
    assert date.fromisoformat(api(admin_user).get("/api/v1/care/dates/").json()["results"][0]["day"]) == date(
        2020, 5, 18
    )


def test_lines_import_through_the_api(admin_user, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    CustomerFactory(code="C-9")
    upload = SimpleUploadedFile("lines.csv", "L-9,九号线,C-9\n".encode())
    answer = api(admin_user).post("/api/v1/care/lines/import/", {"file": upload}, format="multipart")
    assert answer.status_code == 200 and answer.json() == {"lines_created": 1, "customers_added": 1}
    missing = api(admin_user).post("/api/v1/care/lines/import/", {}, format="json")
    assert missing.status_code == 400 and "file" in missing.json()
    assert api(manager).post("/api/v1/care/lines/import/", {}, format="json").status_code == 403


def test_a_line_taken_out_of_use_through_the_api_cannot_be_chosen_for_a_new_notice(admin_user, supervisor, templates):
    from kefu.care.models import SupplyLine

    line = services.supply_line_create(actor=admin_user, data={"code": "L-7", "name": "7号线"})
    assert api(admin_user).post(f"/api/v1/care/lines/{line.pk}/active/", {}, format="json").status_code == 400
    off = api(admin_user).post(f"/api/v1/care/lines/{line.pk}/active/", {"active": False}, format="json")
    assert off.status_code == 200 and off.json()["active"] is False
    assert not SupplyLine.objects.get(pk=line.pk).active
    starts = (timezone.now() + timedelta(days=10)).isoformat()
    notice = {"kind": "planned", "title": "检修", "channel": "sms", "starts_at": starts, "lines": [line.pk]}
    refused = api(supervisor).post("/api/v1/care/notices/", notice, format="json")
    assert refused.status_code == 400 and "lines" in refused.json()
    assert api(supervisor).post(f"/api/v1/care/lines/{line.pk}/active/", {"active": True}).status_code == 403
    api(admin_user).post(f"/api/v1/care/lines/{line.pk}/active/", {"active": True}, format="json")
    assert api(supervisor).post("/api/v1/care/notices/", notice, format="json").status_code == 201


def test_a_custom_date_an_active_rule_greets_on_stays_in_use_through_the_api(admin_user, templates):
    custom = api(admin_user).post("/api/v1/care/dates/", {"name": "建厂日", "day": "2020-06-08"}, format="json").json()
    services.care_rule_create(
        actor=admin_user,
        data={"name": "建厂日问候", "occasion": Occasion.CUSTOM, "custom_occasion": [custom["id"]],
              "channel": Channel.SMS, "purpose": "care_spring"},
    )  # fmt: skip
    refused = api(admin_user).post(f"/api/v1/care/dates/{custom['id']}/active/", {"active": False}, format="json")
    assert refused.status_code == 400 and "建厂日问候" in str(refused.json()["active"])
    assert api(admin_user).get("/api/v1/care/dates/").json()["results"][0]["active"] is True


@pytest.mark.parametrize("path", ["/api/v1/care/batches/?status=bogus", "/api/v1/care/notices/?status=bogus"])
def test_a_reader_without_care_is_refused_before_the_status_filter_is_read(path, agent, supervisor):
    assert api(agent).get(path).status_code == 403
    refused = api(supervisor).get(path)
    assert refused.status_code == 400 and "status" in refused.json()


def test_a_custom_date_repeats_yearly_unless_the_api_says_once(admin_user):
    yearly = api(admin_user).post("/api/v1/care/dates/", {"name": "建厂日", "day": "2020-06-08"}, format="json")
    assert yearly.status_code == 201 and yearly.json()["yearly"] is True  # the model's default
    once = api(admin_user).post(
        "/api/v1/care/dates/", {"name": "周年庆", "day": "2026-06-08", "yearly": False}, format="json"
    )
    assert once.status_code == 201 and once.json()["yearly"] is False
