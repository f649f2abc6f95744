"""Proactive service campaigns (seed 003 篇1): every site of a key account called, faults found
turned into requests in one click, the report for the head office; through service, page and API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kefu.callbacks import campaigns
from kefu.callbacks.models import Campaign, CampaignCall
from kefu.core.errors import ConflictError
from kefu.customers.choices import CustomerKind
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db

WAYS = ["service", "page", "api"]


@pytest.fixture
def chain(manager, org):
    head = CustomerFactory(
        name="如家酒店集团总部", kind=CustomerKind.ORGANISATION, account_manager=manager, org_unit=org["east_team"]
    )
    for i in range(5):
        CustomerFactory(name=f"如家酒店{i + 1}号店", parent=head, account_manager=manager, org_unit=org["east_team"])
    return head


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def start(way, user, head, client_for):
    if way == "service":
        return campaigns.campaign_create(actor=user, name="热水炉主动回访", head_office_id=head.pk)
    if way == "page":
        client_for(user).post(reverse("callbacks:campaigns"), {"name": "热水炉主动回访", "head_office": head.pk})
    else:
        api(user).post(reverse("api-campaign-list"), {"name": "热水炉主动回访", "head_office": head.pk}, format="json")
    return Campaign.objects.get()


def claim(way, user, campaign, call, client_for) -> bool:
    """Take the site before calling it; True if `user` got it."""
    if way == "service":
        try:
            campaigns.campaign_call_claim(actor=user, call=call)
        except ConflictError:
            return False
        return True
    if way == "page":
        client_for(user).post(reverse("callbacks:campaign_call_claim", args=[campaign.pk, call.pk]))
        return CampaignCall.objects.get(pk=call.pk).claimed_by_id == user.pk
    response = api(user).post(reverse("api-campaign-claim", args=[campaign.pk]), {"call": call.pk}, format="json")
    return response.status_code == 200


def record(way, user, campaign, call, client_for, *, claimed: bool = False, **data):
    if not claimed:
        assert claim(way, user, campaign, call, client_for)
    if way == "service":
        try:
            return campaigns.campaign_call_record(actor=user, call=call, **data)
        except ConflictError:  # as the page and the API answer it: the site is left as it was
            return CampaignCall.objects.get(pk=call.pk)
    if way == "page":
        form = {
            "reached": "yes" if data["reached"] else "no",
            "result": data.get("result", ""),
            "faults": "\n".join(data.get("faults", [])),
        }
        client_for(user).post(reverse("callbacks:campaign_call", args=[campaign.pk, call.pk]), form)
    else:
        api(user).post(reverse("api-campaign-call", args=[campaign.pk]), {"call": call.pk, **data}, format="json")
    return CampaignCall.objects.get(pk=call.pk)


@pytest.mark.parametrize("way", WAYS)
def test_a_campaign_calls_every_site_and_reports_faults_to_the_head_office(way, chain, agent, client_for):
    campaign = start(way, agent, chain, client_for)
    calls = list(campaign.calls.order_by("pk"))
    assert len(calls) == 5
    record(
        way, agent, campaign, calls[0], client_for, reached=True, result="average", faults=["3号热水炉漏水", "温控失灵"]
    )
    record(way, agent, campaign, calls[1], client_for, reached=True, result="satisfied")
    record(way, agent, campaign, calls[2], client_for, reached=False)
    ticket = campaigns.campaign_fault_to_request(actor=agent, call=calls[0], index=0)
    assert (ticket.ticket_type, ticket.customer_id, ticket.title) == ("repair", calls[0].customer_id, "3号热水炉漏水")
    assert campaigns.campaign_fault_to_request(actor=agent, call=calls[0], index=0) == ticket
    report = campaigns.campaign_report(campaign)
    assert (report["sites"], report["reached"], report["unreachable"]) == (5, 2, 1)
    assert (report["faults"], report["sites_with_faults"], report["registered"], report["still_open"]) == (2, 1, 1, 1)
    assert report["rate"] == 50.0  # 满意 counts, 一般 does not
    sheet = load_workbook(io.BytesIO(campaigns.campaign_report_xlsx(campaign))).active
    assert "3号热水炉漏水；温控失灵" in [row[3] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("way", ["service", "api"])
def test_a_head_office_out_of_scope_or_without_sites_is_refused(way, chain, other_manager, manager, client_for):
    from django.core.exceptions import ValidationError

    lone = CustomerFactory(name="单店", account_manager=manager)
    for head, user in ((chain, other_manager), (lone, manager)):
        if way == "service":
            with pytest.raises(ValidationError) as refused:
                campaigns.campaign_create(actor=user, name="回访", head_office_id=head.pk)
            assert "head_office" in refused.value.message_dict
        else:
            response = api(user).post(
                reverse("api-campaign-list"), {"name": "回访", "head_office": head.pk}, format="json"
            )
            assert response.status_code == 400 and "head_office" in response.json()
    assert not Campaign.objects.exists() and not Ticket.objects.exists()


def test_the_campaign_page_and_its_report(chain, agent, client_for):
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    page = client_for(agent).get(reverse("callbacks:campaign", args=[campaign.pk])).content.decode()
    assert 'id="stat-sites">5<' in page and "如家酒店1号店" in page
    export = client_for(agent).get(reverse("callbacks:campaign_export", args=[campaign.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client_for(agent).get(reverse("callbacks:campaign_pdf", args=[campaign.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def pdf_text(data: bytes) -> str:
    """The text drawn on an uncompressed reportlab page: its (…) Tj strings, UTF-16 with octal escapes."""
    import re

    def unescape(match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(code, code)

    return "".join(
        re.sub(rb"\\([0-7]{1,3}|.)", unescape, found.group(1)).decode("utf-16-be", errors="replace")
        for found in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", data)
    )


def test_the_pdf_report_carries_the_sites_and_faults_in_chinese(chain, agent, monkeypatch):
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "pageCompression", 0)  # to read the page's text back
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    call = campaign.calls.order_by("pk").first()
    campaigns.campaign_call_claim(actor=agent, call=call)
    campaigns.campaign_call_record(actor=agent, call=call, reached=True, result="average", faults=["3号热水炉漏水"])
    data = campaigns.campaign_report_pdf(campaign)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "如家酒店1号店" in text and "3号热水炉漏水" in text and "热水炉主动回访" in text


@pytest.mark.parametrize("head", ["²", "99999999999999999999999", "abc", ""])
def test_an_unreadable_head_office_is_refused_on_the_field(head, agent, client_for):
    response = client_for(agent).post(reverse("callbacks:campaigns"), {"name": "回访", "head_office": head})
    assert response.status_code == 400
    assert "head_office" in response.context["errors"]


@pytest.mark.parametrize("way", ["service", "page"])
def test_a_campaign_name_longer_than_100_characters_is_refused_on_the_field(way, chain, agent, client_for):
    name = "回" * 101
    if way == "service":
        with pytest.raises(ValidationError) as refused:
            campaigns.campaign_create(actor=agent, name=name, head_office_id=chain.pk)
        assert "name" in refused.value.message_dict
    else:
        response = client_for(agent).post(reverse("callbacks:campaigns"), {"name": name, "head_office": chain.pk})
        assert response.status_code == 400 and "name" in response.context["errors"]
    assert not Campaign.objects.exists()


@pytest.fixture
def second_agent(org):
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory

    return UserFactory(username="agent2", full_name="钱坐席", role=Role.AGENT, org_unit=org["company"])


@pytest.mark.parametrize("way", WAYS)
def test_two_agents_working_one_campaign_cannot_claim_one_site(way, chain, agent, second_agent, client_for):
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    call = campaign.calls.order_by("pk").first()
    assert claim(way, agent, campaign, call, client_for)
    assert not claim(way, second_agent, campaign, call, client_for)
    assert CampaignCall.objects.get(pk=call.pk).claimed_by == agent
    # The other agent cannot record it either; the one calling can, and the claim ends with it.
    record(way, second_agent, campaign, call, client_for, claimed=True, reached=True, result="satisfied")
    assert CampaignCall.objects.get(pk=call.pk).status == "pending"
    done = record(way, agent, campaign, call, client_for, claimed=True, reached=True, result="satisfied")
    assert (done.status, done.called_by, done.claimed_by) == ("done", agent, None)
    assert not claim(way, second_agent, campaign, call, client_for)  # finished: nothing to take


@pytest.mark.parametrize("way", WAYS)
def test_a_site_cannot_be_recorded_without_claiming_it(way, chain, agent, client_for):
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    call = campaign.calls.order_by("pk").first()
    if way == "service":
        with pytest.raises(ConflictError):
            campaigns.campaign_call_record(actor=agent, call=call, reached=True, result="satisfied")
    else:
        record(way, agent, campaign, call, client_for, claimed=True, reached=True, result="satisfied")
    assert CampaignCall.objects.get(pk=call.pk).status == "pending"


def test_a_claim_left_past_its_time_can_be_taken_and_a_released_site_is_free(chain, agent, second_agent):
    from datetime import timedelta

    from django.utils import timezone

    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    call = campaign.calls.order_by("pk").first()
    campaigns.campaign_call_claim(actor=agent, call=call)
    campaigns.campaign_call_release(actor=agent, call=call)
    campaigns.campaign_call_claim(actor=second_agent, call=call)
    CampaignCall.objects.filter(pk=call.pk).update(claimed_until=timezone.now() - timedelta(minutes=1))
    assert campaigns.campaign_call_claim(actor=agent, call=call).claimed_by == agent


def test_the_campaign_page_shows_who_is_calling_a_site(chain, agent, second_agent, client_for):
    campaign = campaigns.campaign_create(actor=agent, name="热水炉主动回访", head_office_id=chain.pk)
    call = campaign.calls.order_by("pk").first()
    campaigns.campaign_call_claim(actor=agent, call=call)
    url = reverse("callbacks:campaign", args=[campaign.pk])
    theirs = client_for(second_agent).get(url).content.decode()
    assert "孙坐席" in theirs and reverse("callbacks:campaign_call", args=[campaign.pk, call.pk]) not in theirs
    mine = client_for(agent).get(url).content.decode()
    assert reverse("callbacks:campaign_call", args=[campaign.pk, call.pk]) + '"' in mine
