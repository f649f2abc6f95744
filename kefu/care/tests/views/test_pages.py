"""The care pages: each renders for who may see it, refuses who may not, and goes through the
same services as the API (approval by the batch's author refused, notices created with the
default stages, lines imported)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.care import services
from kefu.care.choices import BatchStatus, NoticeKind, Occasion
from kefu.care.models import CareRule, Notice, SupplyLine
from kefu.conftest import login
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.outbox.choices import Channel
from kefu.outbox.models import Message, OptOut


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


@pytest.fixture
def batch(rule, admin_user, own_customer):
    made, _created = services.care_batch_generate(actor=admin_user, rule=rule, day=date(2026, 2, 17))
    return made


@pytest.mark.parametrize(
    "name", ["care:calendar", "care:rules", "care:batches", "care:notices", "care:lines", "care:notice_create"]
)
def test_the_care_pages_render_for_a_supervisor(name, supervisor):
    assert login(supervisor).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["care:calendar", "care:batches", "care:notices"])
def test_an_agent_and_a_handler_may_not_open_care(name, agent, handler):
    assert login(agent).get(reverse(name)).status_code == 403
    assert login(handler).get(reverse(name)).status_code == 403


def test_the_calendar_shows_the_holidays_and_the_readers_customer_birthdays(manager, own_customer, foreign_customer):
    own_customer.birthday = date(1980, 9, 25)
    own_customer.save()
    foreign_customer.birthday = date(1980, 9, 25)
    foreign_customer.save()
    KeyPersonFactory(customer=own_customer, birthday=date(1975, 9, 3))
    response = login(manager).get(reverse("care:calendar") + "?month=2026-09")
    days = {day["date"]: day for day in response.context["days"]}
    assert days[date(2026, 9, 25)]["birthdays"] == 1  # the other manager's customer is not counted
    assert days[date(2026, 9, 25)]["occasions"]
    assert days[date(2026, 9, 3)]["key_person_birthdays"] == 1
    assert login(manager).get(reverse("care:calendar") + "?month=9999-99").status_code == 200


def test_the_batch_page_previews_the_greeting_with_a_real_customer(supervisor, batch):
    response = login(supervisor).get(reverse("care:batch", args=[batch.pk]))
    assert response.status_code == 200
    assert "张三，春节快乐！" in response.content.decode()


def test_the_author_of_a_batch_cannot_approve_it_through_the_page(admin_user, batch):
    response = login(admin_user).post(reverse("care:batch_approve", args=[batch.pk]))
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PENDING and not Message.objects.exists()


def test_a_supervisor_approves_through_the_page_and_the_report_counts_the_opted_out(supervisor, batch, own_customer):
    quiet = CustomerFactory(name="静默")
    OptOut.objects.create(customer=quiet, channel="")
    # The batch was drawn up before the second customer existed: draw up another date's batch.
    second, _created = services.care_batch_generate(actor=None, rule=batch.rule, day=date(2027, 2, 6))
    assert second.opted_out == 1
    response = login(supervisor).post(reverse("care:batch_approve", args=[second.pk]))
    assert response.status_code == 302
    page = login(supervisor).get(reverse("care:batch", args=[second.pk]))
    assert page.context["report"]["opted_out"] == 1 and page.context["report"]["waiting"] == 1


def test_rejecting_without_a_reason_names_the_field(supervisor, batch):
    response = login(supervisor).post(reverse("care:batch_reject", args=[batch.pk]), {"reason": ""})
    assert response.status_code == 400
    assert login(supervisor).post(reverse("care:batch_reject", args=[batch.pk]), {"reason": "重写"}).status_code == 302


def test_a_rule_is_created_through_the_page_and_bad_fields_are_named(admin_user, templates):
    bad = login(admin_user).post(reverse("care:rules"), {"name": "x", "occasion": "mid_autumn", "channel": "email",
                                                          "purpose": "nothing", "days_ahead": 3})  # fmt: skip
    assert bad.status_code == 400 and "purpose" in bad.context["rule_form"].errors
    good = login(admin_user).post(reverse("care:rules"), {"name": "中秋问候", "occasion": "mid_autumn",
                                                           "channel": "sms", "purpose": "care_spring", "days_ahead": 3,
                                                           "active": "on"})  # fmt: skip
    assert good.status_code == 302 and CareRule.objects.get().name == "中秋问候"


def test_a_notice_is_created_through_the_page_with_its_default_stages(supervisor, templates):
    starts = timezone.localtime() + timedelta(days=10)
    response = login(supervisor).post(
        reverse("care:notice_create"),
        {"kind": NoticeKind.PLANNED, "title": "检修停电", "channel": "sms", "grids": "东1, 东2",
         "starts_at": starts.strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.grids == ["东1", "东2"]
    assert sorted(notice.stages.values_list("key", flat=True)) == ["1d", "7d"]
    assert login(supervisor).get(reverse("care:notice", args=[notice.pk])).status_code == 200
    assert login(supervisor).post(reverse("care:notice_cancel", args=[notice.pk])).status_code == 302


def test_a_manager_may_not_create_a_notice(manager):
    assert login(manager).get(reverse("care:notice_create")).status_code == 403


def test_lines_are_imported_through_the_page(admin_user):
    CustomerFactory(code="C-1")
    upload = SimpleUploadedFile("lines.csv", "L-1,东线,C-1\n".encode())
    response = login(admin_user).post(reverse("care:lines_upload"), {"file": upload})
    assert response.status_code == 302 and SupplyLine.objects.get().code == "L-1"
    bad = SimpleUploadedFile("lines.csv", "L-2,西线,C-404\n".encode())
    response = login(admin_user).post(reverse("care:lines_upload"), {"file": bad})
    assert response.status_code == 400 and "C-404" in response.content.decode()


def test_a_leap_day_birthday_shows_on_28_february_in_a_common_year(manager, own_customer):
    from kefu.care.selectors import care_calendar

    own_customer.birthday = date(1992, 2, 29)
    own_customer.save()
    days = {day["date"]: day["birthdays"] for day in care_calendar(manager, date(2026, 2, 1))}
    assert days[date(2026, 2, 28)] == 1
    days = {day["date"]: day["birthdays"] for day in care_calendar(manager, date(2028, 2, 1))}
    assert days[date(2028, 2, 29)] == 1


def test_a_custom_date_is_taken_out_of_use_through_the_page_unless_an_active_rule_greets_on_it(admin_user, templates):
    from kefu.audit.models import AuditEvent
    from kefu.care.models import CustomOccasion
    from kefu.care.selectors import care_calendar

    used = services.custom_occasion_create(
        actor=admin_user, data={"name": "建厂日", "day": date(2020, 6, 8), "yearly": True}
    )
    spare = services.custom_occasion_create(
        actor=admin_user, data={"name": "客户节", "day": date(2020, 6, 9), "yearly": True}
    )
    services.care_rule_create(
        actor=admin_user,
        data={"name": "建厂日问候", "occasion": Occasion.CUSTOM, "custom_occasion": [used.pk],
              "channel": Channel.SMS, "purpose": "care_spring"},
    )  # fmt: skip
    refused = login(admin_user).post(
        reverse("care:custom_occasion_active", args=[used.pk]), {"active": "0"}, follow=True
    )
    assert "建厂日问候" in refused.content.decode() and CustomOccasion.objects.get(pk=used.pk).active
    done = login(admin_user).post(reverse("care:custom_occasion_active", args=[spare.pk]), {"active": "0"})
    assert done.status_code == 302 and not CustomOccasion.objects.get(pk=spare.pk).active
    assert AuditEvent.objects.filter(target_id=spare.pk).latest("pk").changes == {"active": [True, False]}
    occasions = {day["date"]: day["occasions"] for day in care_calendar(admin_user, date(2026, 6, 1))}
    assert occasions[date(2026, 6, 8)] == ["建厂日"] and date(2026, 6, 9) not in occasions
    with pytest.raises(ValidationError) as caught:
        services.care_rule_create(
            actor=admin_user,
            data={"name": "客户节问候", "occasion": Occasion.CUSTOM, "custom_occasion": [spare.pk],
                  "channel": Channel.SMS, "purpose": "care_spring"},
        )  # fmt: skip
    assert "custom_occasion" in caught.value.message_dict
    login(admin_user).post(reverse("care:custom_occasion_active", args=[spare.pk]), {"active": "1"})
    assert CustomOccasion.objects.get(pk=spare.pk).active


def test_a_supervisor_may_not_take_a_line_out_of_use(supervisor, admin_user):
    line = services.supply_line_create(actor=admin_user, data={"code": "L-9", "name": "9号线"})
    assert login(supervisor).post(reverse("care:line_active", args=[line.pk]), {"active": "0"}).status_code == 403
    assert SupplyLine.objects.get(pk=line.pk).active


def test_the_customer_page_shows_the_customers_lines_and_the_notices_that_reached_them(
    manager, supervisor, admin_user, own_customer, foreign_customer, agent, templates
):
    line = services.supply_line_create(actor=admin_user, data={"code": "L-5", "name": "5号线"})
    own_customer.code = "C-5"
    own_customer.save(update_fields=["code"])
    services.line_customers_add(actor=admin_user, line=line, customer_codes=["C-5"])
    notice = services.notice_create(
        actor=supervisor,
        data={"kind": NoticeKind.UNPLANNED, "title": "线路跳闸", "reason": "雷击", "channel": Channel.SMS,
              "starts_at": timezone.now() - timedelta(minutes=5), "ends_at": timezone.now() + timedelta(hours=2),
              "lines": [line.pk]},
    )  # fmt: skip
    services.notices_send_due(notice_id=notice.pk)
    page = login(manager).get(reverse("customers:detail", args=[own_customer.pk])).content.decode()
    assert 'id="customer-panel-care"' in page and "5号线" in page and "线路跳闸" in page
    other = login(manager).get(reverse("customers:detail", args=[foreign_customer.pk]))
    assert "线路跳闸" not in other.content.decode()
    unseen = login(agent).get(reverse("customers:detail", args=[own_customer.pk]))
    assert unseen.status_code == 200 and "customer-panel-care" not in unseen.content.decode()  # no care.view
