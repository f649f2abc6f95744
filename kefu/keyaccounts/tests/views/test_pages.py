"""The key-account pages: who sees which account, the team on the customer 360 page, the workbench card."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.keyaccounts import services
from kefu.keyaccounts.models import KeyAccount


@pytest.mark.parametrize(
    ("who", "listed"),
    [("supervisor", True), ("manager", True), ("deputy", True), ("phone_agent", True), ("engineer", True),
     ("admin_user", True), ("auditor", True), ("agent", False), ("other_manager", False)],
)  # fmt: skip
def test_the_list_shows_the_accounts_whose_team_one_is_on_or_above(request, who, listed, client_for, account):
    user = request.getfixturevalue(who)
    page = client_for(user).get(reverse("keyaccounts:list"))
    assert page.status_code == 200 and ("华联集团" in page.content.decode()) is listed
    detail = client_for(user).get(reverse("keyaccounts:detail", args=[account.pk]))
    assert detail.status_code == (200 if listed else 404)


def test_a_supervisor_makes_a_key_account_through_the_page(client_for, supervisor, head):
    response = client_for(supervisor).post(
        reverse("keyaccounts:create"), {"customer": head.pk, "required_level": "secondary"}
    )
    account = KeyAccount.objects.get(customer=head)
    assert response.status_code == 302 and response.url == reverse("keyaccounts:detail", args=[account.pk])


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "-1", ""])
def test_an_unreadable_customer_id_is_refused_on_the_customer_field(raw, client_for, supervisor):
    response = client_for(supervisor).post(reverse("keyaccounts:create"), {"customer": raw})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"customer"}


def test_the_customer_360_page_names_the_team_for_any_reader(client_for, account, site, agent):
    text = client_for(agent).get(reverse("customers:detail", args=[site.pk])).content.decode()
    assert 'id="customer-panel-keyaccount-team"' in text
    assert "陈话务" in text and "钱执行" in text and "冯工" in text


def test_the_workbench_counts_the_teams_plan_items_due_this_week(client_for, account, manager, deputy, agent):
    today = timezone.localdate()
    plan = services.plan_create(
        actor=manager, account=account,
        data={"title": "年度方案", "starts_on": today - timedelta(days=30), "ends_on": today + timedelta(days=300)},
    )  # fmt: skip
    for days in (-2, 3, 30):
        services.plan_item_add(
            actor=manager,
            plan=plan,
            data={"kind": "visit", "title": f"走访{days}", "due_on": today + timedelta(days=days)},
        )
    cards = client_for(deputy).get(reverse("workbench")).context["cards"]
    card = next(c for c in cards if c["url"] == reverse("keyaccounts:list"))
    assert card["value"] == 2 and "1" in str(card["hint"])
    others = client_for(agent).get(reverse("workbench")).context["cards"]
    assert not [c for c in others if c["url"] == reverse("keyaccounts:list")]
