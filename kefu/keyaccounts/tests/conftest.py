"""A group customer with two levels of members, made a key account with its team.

华联集团 (head, east team, `manager` — a secondary-level manager) → 华联西区 (branch, served by
`other_manager` in the west) → 华联西区三店 (site, the same). The team: `deputy` (secondary level,
west), `engineer` (a handler), `phone_agent` (an agent). `agent` and `admin_user` are not on it.
"""

from datetime import date

import pytest

from kefu.accountmanagers.tests.factories import ManagerProfileFactory
from kefu.customers.models import CustomerProduct, CustomerVolume
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory
from kefu.keyaccounts.choices import TeamRole
from kefu.keyaccounts.models import Agreement
from kefu.keyaccounts.tests.factories import KeyAccountFactory, TeamMemberFactory
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory
from kefu.tickets.tests.factories import install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()  # a member's request is registered in these tests


@pytest.fixture
def head(org, manager):
    ManagerProfileFactory(user=manager, level=ManagerLevel.SECONDARY)
    customer = CustomerFactory(
        name="华联集团", kind="organisation", account_manager=manager, org_unit=org["east_team"],
        contract_no="HT-2026-001", competitor_info="移动报价低10%",
    )  # fmt: skip
    CustomerVolume.objects.create(customer=customer, period=date(2026, 10, 1), volume=1200, revenue=98765)
    KeyPersonFactory(customer=customer, name="刘总", preferences="喜欢喝普洱", taboos="忌讳周一来电")
    CustomerProduct.objects.create(customer=customer, name="专线接入", contract_no="ZX-88")
    return customer


@pytest.fixture
def branch(head, other_manager, org):
    return CustomerFactory(name="华联西区", kind="organisation", parent=head, account_manager=other_manager,
                           org_unit=org["west_team"], contract_no="HT-W-7")  # fmt: skip


@pytest.fixture
def site(branch, other_manager, org):
    customer = CustomerFactory(name="华联西区三店", kind="organisation", parent=branch,
                               account_manager=other_manager, org_unit=org["west_team"])  # fmt: skip
    CustomerVolume.objects.create(customer=customer, period=date(2026, 10, 1), volume=30, revenue=4321)
    return customer


@pytest.fixture
def deputy(org):
    user = UserFactory(username="deputy", full_name="钱执行", role=Role.ACCOUNT_MANAGER, org_unit=org["west_team"])
    ManagerProfileFactory(user=user, level=ManagerLevel.SECONDARY)
    return user


@pytest.fixture
def engineer(org):
    return UserFactory(username="engineer", full_name="冯工", role=Role.HANDLER, org_unit=org["west"])


@pytest.fixture
def phone_agent(org):
    return UserFactory(username="phone_agent", full_name="陈话务", role=Role.AGENT, org_unit=org["company"])


@pytest.fixture
def account(head, site, supervisor, deputy, engineer, phone_agent):
    account = KeyAccountFactory(customer=head, created_by=supervisor)
    TeamMemberFactory(account=account, user=deputy, role=TeamRole.DEPUTY)
    TeamMemberFactory(account=account, user=engineer, role=TeamRole.ENGINEER)
    TeamMemberFactory(account=account, user=phone_agent, role=TeamRole.PHONE_AGENT)
    return account


@pytest.fixture
def agreement(account, manager):
    return Agreement.objects.create(account=account, title="集团客户服务协议", number="XY-1", uploaded_by=manager)
