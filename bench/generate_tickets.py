"""Generate the service-request scale profile (issue: 5,000,000 requests, 500,000 open) on PostgreSQL.

    DATABASE_URL=postgres://… .venv/bin/python bench/generate_tickets.py --tickets 5000000 --open 500000

Rows go in with COPY (psycopg 3), ids assigned here so that events can point at their request
without a round trip. It adds to what is there: run it on an empty, migrated database.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kefu.core.search import search_keys  # noqa: E402
from kefu.org.choices import Role, UnitKind  # noqa: E402
from kefu.org.models import OrgUnit, User  # noqa: E402
from kefu.sla.models import SlaPolicy  # noqa: E402
from kefu.sla.services import sla_install_preset  # noqa: E402
from kefu.tickets.models import WorkflowState  # noqa: E402
from kefu.tickets.services.setup import categories_install_defaults, workflows_install_defaults  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
PLACES = [
    "幸福小区",
    "阳光花园",
    "金色家园",
    "滨江新城",
    "工业园区",
    "老城片区",
    "科技园",
    "东湖社区",
    "南山村",
    "北苑",
]
SUBJECTS = {
    "complaint": [
        "计划停电未提前通知",
        "抢修人员态度差",
        "电费计算有误",
        "频繁停电影响生产",
        "电表走字异常",
        "营业厅排队时间长",
    ],
    "inquiry": ["峰谷电价咨询", "电费缴纳方式", "新装用电流程", "光伏并网政策", "阶梯电价标准"],
    "repair": ["家中突然停电", "线路冒火花", "电杆倾斜", "变压器异响", "路灯不亮"],
    "service": ["办理过户", "申请增容", "更改用电类别", "申请电子发票"],
    "suggestion": ["建议增加夜间抢修力量", "建议优化掌上电力应用"],
    "praise": ["表扬抢修班及时到场", "表扬营业员耐心解答"],
    "report": ["举报窃电行为", "举报违规施工"],
}
SENTENCES = [
    "客户反映近一周内停电三次，每次持续两小时以上。",
    "客户称未收到任何停电通知短信。",
    "要求尽快恢复供电并说明原因。",
    "客户情绪较为激动，希望给予书面答复。",
    "本月电费较上月翻倍，客户对计量准确性有疑问。",
    "客户家中冰箱内食品因停电变质。",
    "现场查看发现线路老化严重。",
    "客户希望了解峰谷分时电价的具体时段。",
    "企业生产线因电压波动停机。",
    "小区内多户居民反映同样问题。",
    "客户要求上门核查电表。",
    "客户对营业厅服务表示满意。",
    "施工噪音影响居民休息。",
    "客户咨询分布式光伏补贴政策。",
    "希望在周末安排上门服务。",
    "抢修人员十五分钟即到达现场，客户表示感谢。",
]
TYPES = ["complaint"] * 3 + ["inquiry"] * 4 + ["repair"] * 4 + ["service"] * 2 + ["suggestion", "praise", "report"]
CHANNELS = ["phone"] * 6 + ["counter", "portal", "email", "wechat", "wechat", "visit"]
PRIORITIES = ["normal"] * 6 + ["low", "high", "urgent"]


def ensure_org(departments: int) -> tuple[list[OrgUnit], list[User], User]:
    """A company with branches and departments, a handler per department, some agents, an admin."""
    company = OrgUnit.objects.filter(code="BENCH").first()
    if company is None:
        company = OrgUnit.objects.add_root({"name": "压测供电公司", "kind": UnitKind.COMPANY, "code": "BENCH"})
        for b in range(max(1, departments // 10)):
            branch = OrgUnit.objects.add_child(
                company, {"name": f"第{b + 1}分公司", "kind": UnitKind.BRANCH, "code": f"B{b:03d}"}
            )
            for d in range(10):
                OrgUnit.objects.add_child(
                    branch, {"name": f"第{b + 1}分公司{d + 1}部", "kind": UnitKind.DEPARTMENT, "code": f"B{b:03d}D{d}"}
                )
    units = list(OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT, path__startswith=company.path))
    staff = []
    for unit in units:
        user, _ = User.objects.get_or_create(
            username=f"h_{unit.code}",
            defaults={"full_name": f"处理员{unit.code}", "role": Role.HANDLER, "org_unit": unit},
        )
        staff.append(user)
    for i in range(20):
        user, _ = User.objects.get_or_create(
            username=f"agent_{i:02d}", defaults={"full_name": f"坐席{i:02d}", "role": Role.AGENT, "org_unit": company}
        )
        staff.append(user)
    admin, created = User.objects.get_or_create(
        username="benchadmin", defaults={"full_name": "压测管理员", "role": Role.ADMIN, "org_unit": company}
    )
    if created:
        admin.set_password("bench-2026")
        admin.save()
    Token.objects.get_or_create(user=admin)
    return units, staff, admin


# About 2 % of customers in the top tier (green channel), 10 % in the second, as issue 16 expects.
TIERS, TIER_WEIGHTS = ["三星", "二星", "一星"], [2, 10, 88]


def ensure_customers(count: int, units: list[OrgUnit]) -> tuple[int, int]:
    """Enough customers to link requests to; returns the id range."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0), COUNT(*) FROM customers_customer")
        low, high, existing = cursor.fetchone()
    if existing >= count:
        return low, high
    now = timezone.now()
    columns = (
        "created_at, updated_at, version, kind, code, name, status, mobile, phone, email, id_number, org_code, "
        "address, region, grid, industry, source_channel, tier, credit_rating, contract_no, competitor_info, "
        "notes, has_valid_phone, org_unit_id, potential"
    )
    rng = random.Random(7)
    with connection.cursor() as cursor, cursor.connection.cursor() as raw:
        with raw.copy(f"COPY customers_customer ({columns}) FROM STDIN") as copy:
            for i in range(count - existing):
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                copy.write_row((now, now, 1, "individual", "", name, "active", f"15{i + existing:09d}", "", "", "",
                                "", rng.choice(PLACES), "", "", "", "import", rng.choices(TIERS, TIER_WEIGHTS)[0],
                                "", "", "", "", True, rng.choice(units).pk, ""))  # fmt: skip
        cursor.execute("SELECT MIN(id), MAX(id) FROM customers_customer")
        return cursor.fetchone()


def ticket_rows(args, units, staff, customer_range, first_id, states, policies):
    """Yield (ticket row, [event rows]) for COPY. Open requests are the newest ones."""
    rng = random.Random(11)
    now = timezone.now()
    span = timedelta(days=730).total_seconds()
    closed_count = args.tickets - args.open
    low, high = customer_range
    for n in range(args.tickets):
        ticket_id = first_id + n
        is_open = n >= closed_count
        kind = rng.choice(TYPES)
        created = now - timedelta(seconds=span * (1 - n / args.tickets) + rng.random() * 60)
        title = rng.choice(SUBJECTS[kind]) + (f"（{rng.choice(PLACES)}）" if rng.random() < 0.5 else "")
        description = "".join(rng.sample(SENTENCES, 3))
        state = states[kind]["open" if is_open else "final"]
        owner = rng.choice(staff)
        unit = rng.choice(units)
        closed_at = None if is_open else created + timedelta(hours=rng.uniform(1, 120))
        due_at = created + timedelta(days=rng.choice([1, 3, 7]))
        if is_open:
            due_at = now + timedelta(hours=rng.uniform(1, 240))  # open requests: all still running
        row = (ticket_id, created, closed_at or created, 1, kind, rng.choice(CHANNELS), rng.choice(PRIORITIES),
               state.pk, title, description, "", rng.randint(low, high), "", "", owner.pk, unit.pk,
               (kind == "complaint" and not is_open) or None, "", "", "", "", None, False, 0, False,
               closed_at, due_at, search_keys(title, description), owner.pk)  # fmt: skip
        events = [(ticket_id, "created", owner.pk, None, states[kind]["initial"].pk, title, False, "{}", created)]
        if closed_at:
            events.append((ticket_id, "transition", owner.pk, states[kind]["initial"].pk, state.pk, "办结", False,
                           "{}", closed_at))  # fmt: skip
        clock = (ticket_id, "resolution", policies[kind], owner.pk, created, due_at, due_at - timedelta(hours=12), 0,
                 0, False) if is_open else None  # fmt: skip
        yield row, events, clock


CHUNK = 250_000
TICKET_COLUMNS = (
    "id, created_at, updated_at, version, ticket_type, channel, priority, state_id, title, description, "
    "remedy_requested, customer_id, caller_name, caller_phone, owner_id, department_id, is_valid, invalid_reason, "
    "resolution_plan, resolution, root_cause, cause_class_id, supervised, reopen_count, resolved_on_first_contact, "
    "closed_at, due_at, search_grams, created_by_id"
)
EVENT_COLUMNS = "ticket_id, kind, actor_id, from_state_id, to_state_id, body, is_internal, data, created_at"
CLOCK_COLUMNS = (
    "ticket_id, metric, policy_id, owner_id, started_at, due_at, warn_at, paused_seconds, escalation_level, provisional"
)


def workflow_states():
    states = {}
    for state in WorkflowState.objects.select_related("workflow"):
        entry = states.setdefault(state.workflow.ticket_type, {})
        if state.is_initial:
            entry["initial"] = state
        if state.kind == "final" and "final" not in entry:
            entry["final"] = state
    for entry in states.values():
        entry["open"] = entry["initial"]
    return states


def resolution_policies() -> dict[str, int]:
    """The utility preset's policy per request type (the generic one when a type has none)."""
    sla_install_preset(preset="utility")
    by_type = dict(SlaPolicy.objects.filter(preset="utility", priority="").values_list("ticket_type", "id"))
    fallback = next(iter(by_type.values()))
    return {kind: by_type.get(kind, fallback) for kind in SUBJECTS}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5_000_000)
    parser.add_argument("--open", type=int, default=500_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--departments", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The scale profile is generated on PostgreSQL (set DATABASE_URL).")
    started = time.perf_counter()
    with transaction.atomic():
        workflows_install_defaults()
        categories_install_defaults()
        units, staff, _admin = ensure_org(args.departments)
    customer_range = ensure_customers(args.customers, units)
    states = workflow_states()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets_ticket")
        first_id = cursor.fetchone()[0]
    rows = ticket_rows(args, units, staff, customer_range, first_id, states, resolution_policies())
    event_count = 0
    with connection.cursor() as cursor, cursor.connection.cursor() as raw:
        for done in range(0, args.tickets, CHUNK):
            # A chunk of requests, then their events: memory stays bounded at any scale.
            chunk_events, chunk_clocks = [], []
            with raw.copy(f"COPY tickets_ticket ({TICKET_COLUMNS}) FROM STDIN") as tickets_copy:
                for _ in range(min(CHUNK, args.tickets - done)):
                    row, events, clock = next(rows)
                    tickets_copy.write_row(row)
                    chunk_events.extend(events)
                    if clock:
                        chunk_clocks.append(clock)
            with raw.copy(f"COPY sla_slaclock ({CLOCK_COLUMNS}) FROM STDIN") as clocks_copy:
                for clock in chunk_clocks:
                    clocks_copy.write_row(clock)
            with raw.copy(f"COPY tickets_ticketevent ({EVENT_COLUMNS}) FROM STDIN") as events_copy:
                for event in chunk_events:
                    events_copy.write_row(event)
            event_count += len(chunk_events)
            done_now = min(done + CHUNK, args.tickets)
            print(f"  {done_now:,} requests ({done_now / (time.perf_counter() - started):,.0f}/s)", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT MAX(id) FROM tickets_ticket))"
        )
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"{args.tickets:,} requests ({args.open:,} open) and {event_count:,} events in {elapsed:,.0f} s "
          f"({args.tickets / elapsed:,.0f} requests/s)")  # fmt: skip


if __name__ == "__main__":
    main()
