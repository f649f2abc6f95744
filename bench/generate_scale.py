"""Generate the customer scale profile (SPEC §13): an org tree of ~2,000 staff and N customers.

    DATABASE_URL=postgres://… .venv/bin/python bench/generate_scale.py --customers 1000000
    DATABASE_URL=sqlite:////abs/path.sqlite3 .venv/bin/python bench/generate_scale.py --customers 1000000

Run `manage.py migrate` on the database first. What it makes:

- a company with --branches branches (default 14, one per city); each branch has an account
  manager department of 8 teams × --managers-per-team account managers (default 18: 2,016
  managers), a service centre of 2 teams × 10 agents, a maintenance department of 10 handlers,
  and a supervisor on every unit; plus an admin (`scaleadmin`), auditors and hotline agents at
  the company: 2,672 staff by default. Every staff password is `bench-2026`.
- --grids grids (网格, default 200) spread over the branches (grid g belongs to branch
  g mod branches); each account-manager team serves its own grids and those of the next team
  of its branch, so every grid has two teams of candidates. Every manager has a profile
  (`accountmanagers.ManagerProfile`): the team's grids, the city as region, a level (per team
  1 chief 首席, 3 secondary 次席, the rest regular 普通) and a capacity (chief 400, secondary
  550, regular 600 customers).
- N customers, ≈15% organisations with 1-3 key persons each. Person names are drawn from
  common surnames weighted by their frequency and from common given-name characters (Zipf
  weights), organisation names from city + trade name + industry + legal form. Most customers
  have a unique valid mobile (the key persons too); some have none or an invalid one, so
  `has_valid_phone` is false for ≈8% of them. Each customer lies in one grid (its region is
  the grid's city); tiers are 三星 ≈2 %, 二星 ≈10 %, 一星 the rest; dependency/potential
  高/中/低 and a customer-since date are filled. 95% have an account manager drawn at random
  (not balanced) among those serving their grid at the level their tier requires (their team
  is the service unit), the rest only their branch's account-manager department.

Speed: rows are generated in Python in chunks and sent with COPY on PostgreSQL (psycopg 3) or
executemany in one transaction per chunk on SQLite. When the customer table is empty, its
secondary indexes (and the key persons') are dropped for the load and rebuilt after, which is
several times faster than maintaining ~17 indexes row by row; on PostgreSQL the load session
also skips foreign-key triggers (`session_replication_role = replica`: rows are consistent by
construction). Then VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), so the planner has
statistics and autovacuum does not start in the middle of a benchmark. It adds to what is there.
"""

import argparse
import random
import sys
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from common import setup_django, stopwatch

setup_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kefu.core.phones import is_valid_mobile, is_valid_phone  # noqa: E402
from kefu.org.choices import Role, UnitKind  # noqa: E402
from kefu.org.models import OrgUnit, User  # noqa: E402

# Surnames with their approximate share of the population in percent (most common first).
SURNAMES = (
    "王7.1 李7.0 张6.7 刘5.4 陈4.5 杨3.1 黄2.2 赵2.0 吴2.0 周1.9 徐1.5 孙1.4 马1.3 朱1.3 胡1.2 郭1.1 "
    "何1.1 林1.0 高1.0 罗1.0 郑0.9 梁0.9 谢0.8 宋0.7 唐0.7 许0.7 韩0.7 冯0.7 邓0.6 曹0.6 彭0.6 曾0.6 "
    "肖0.6 田0.6 董0.5 潘0.5 袁0.5 蔡0.5 蒋0.5 余0.5 于0.5 杜0.5 叶0.4 程0.4 魏0.4 苏0.4 吕0.4 丁0.4 "
    "任0.4 卢0.4 姚0.4 沈0.4 钟0.4 姜0.4 崔0.3 谭0.3 陆0.3 范0.3 汪0.3 廖0.3 石0.3 金0.3 韦0.3 贾0.3 "
    "夏0.3 付0.3 方0.3 邹0.3 熊0.3 白0.3 孟0.2 秦0.2 邱0.2 侯0.2 江0.2 尹0.2 薛0.2 闫0.2 段0.2 雷0.2 "
    "龙0.2 黎0.2 史0.2 陶0.2 贺0.2 毛0.2 郝0.2 顾0.2 龚0.2 邵0.2 万0.2 覃0.2 武0.2 钱0.2 戴0.2 严0.2 "
    "莫0.2 孔0.2 向0.2 常0.1 汤0.1 康0.1 易0.1 乔0.1 赖0.1 文0.1 施0.1 洪0.1 欧阳0.05 司马0.01 "
    "上官0.01 诸葛0.01"
)
# Given-name characters, roughly most used first.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玉兰霞平刚桂红萍玲燕鹏辉斌宇浩凯健俊帆帅旭宁龙林欣佳丹亮成"
    "飞峰波鑫建国文晨雪梅琳颖倩婷慧莉君海志军东晶琴云波荣新春雷宏磊博杨阳庆春荣鹏祥光永生德兵金福"
    "瑞嘉子涵轩梓萱一诺欣怡雨泽皓然思彤紫琪俊熙语嫣可馨博文昊天晓丽秀珍凤兰淑芬桂香美玲小红建华"
    "志强振国卫东爱民海燕丽娟春梅秋菊冬梅学军立新少华振华国强"
)
CITIES = [
    ("杭州", "0571", "330102"),
    ("宁波", "0574", "330203"),
    ("温州", "0577", "330302"),
    ("嘉兴", "0573", "330402"),
    ("湖州", "0572", "330502"),
    ("绍兴", "0575", "330602"),
    ("金华", "0579", "330702"),
    ("衢州", "0570", "330802"),
    ("舟山", "0580", "330902"),
    ("台州", "0576", "331002"),
    ("丽水", "0578", "331102"),
    ("义乌", "0579", "330782"),
    ("慈溪", "0574", "330282"),
    ("诸暨", "0575", "330681"),
    ("余姚", "0574", "330281"),
    ("瑞安", "0577", "330381"),
]
DISTRICTS = [
    "城东",
    "城西",
    "城南",
    "城北",
    "新区",
    "开发区",
    "高新区",
    "滨江",
    "江北",
    "湖滨",
    "东港",
    "西湖",
    "北苑",
    "南湖",
    "临江",
    "龙泉",
]
COMMUNITIES = [
    "幸福",
    "阳光",
    "金色",
    "滨江",
    "和平",
    "新华",
    "文苑",
    "锦绣",
    "翠苑",
    "康乐",
    "东湖",
    "紫金",
    "丽景",
    "春晓",
    "桂花",
    "香樟",
]
TRADE_CHARS = "华鑫盛隆恒达宏泰安源新兴昌祥瑞丰茂利通远金宝福康嘉和顺德鼎汇联创科信诚聚博天海东方中正永益立"
INDUSTRIES = [
    ("机械制造", "制造业"),
    ("纺织", "制造业"),
    ("食品", "制造业"),
    ("电子科技", "制造业"),
    ("塑料制品", "制造业"),
    ("五金", "制造业"),
    ("化工", "制造业"),
    ("建材", "建筑业"),
    ("建筑工程", "建筑业"),
    ("物流", "交通运输"),
    ("商贸", "批发零售"),
    ("超市", "批发零售"),
    ("汽车销售", "批发零售"),
    ("酒店管理", "住宿餐饮"),
    ("餐饮管理", "住宿餐饮"),
    ("物业服务", "房地产"),
    ("房地产开发", "房地产"),
    ("信息技术", "信息技术"),
    ("文化传媒", "文化娱乐"),
    ("农业开发", "农林牧渔"),
]
ORG_FORMS = ["有限公司"] * 6 + ["股份有限公司", "集团有限公司", "厂", "经营部"]
KEY_TITLES = ["总经理", "副总经理", "财务经理", "行政主管", "电工", "设备科长", "办公室主任", "采购经理"]
PREFERENCES = ["", "", "喜欢喝茶", "关注电费优惠政策", "希望提前电话预约", "习惯微信沟通"]
TABOOS = ["", "", "", "忌讳周一上午拜访", "不喜欢电话推销", "不抽烟，拜访勿递烟"]
SOURCES = ["hotline", "counter", "visit", "portal", "referral", "marketing", "import", "other"]
# Tier codes (customers migration 0005) with their share, and the manager levels they require.
TIERS = (("三星", 0.02), ("二星", 0.10), ("一星", 0.88))
TIER_LEVEL = {"三星": "chief", "二星": "secondary", "一星": "regular"}
LEVEL_RANK = {"chief": 3, "secondary": 2, "regular": 1}
LEVEL_CAPACITY = {"chief": 400, "secondary": 550, "regular": 600}
TEAMS = 8
MOBILE_PREFIXES = [
    *range(130, 140),
    *range(145, 150),
    *(p for p in range(150, 160) if p != 154),
    166,
    *range(170, 179),
    *range(180, 190),
    191,
    198,
    199,
]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PASSWORD = "bench-2026"
CHUNK = 50_000

CUSTOMER_COLUMNS = (
    "id, created_at, updated_at, version, kind, code, name, status, mobile, phone, email, id_number, org_code, "
    "address, region, grid, industry, source_channel, tier, credit_rating, potential, customer_since, contract_no, "
    "competitor_info, birthday, notes, has_valid_phone, account_manager_id, created_by_id, org_unit_id, parent_id"
)
KEY_PERSON_COLUMNS = (
    "customer_id, created_at, updated_at, version, name, title, mobile, phone, email, birthday, preferences, "
    "taboos, is_primary"
)


# ── Organisation and staff ──────────────────────────────────────────────────────────────────


def grid_names(branches: int, grids: int) -> list[tuple[str, str, int, int]]:
    """(grid name, city, branch, team) per grid: grid g lies in branch g mod branches."""
    out = []
    for g in range(grids):
        branch, within = g % branches, g // branches
        city = CITIES[branch % len(CITIES)][0]
        suffix = "" if within < len(DISTRICTS) else str(within // len(DISTRICTS) + 1)
        out.append((f"{city}{DISTRICTS[within % len(DISTRICTS)]}{suffix}网格", city, branch, within % TEAMS))
    return out


def manager_level(n: int) -> str:
    """Per team: the first manager is chief, the next three secondary, the rest regular."""
    return "chief" if n == 0 else "secondary" if n <= 3 else "regular"


def build_org(branches: int, per_team: int, grids: list) -> dict:
    """The org tree, its staff and the managers' profiles, created once (code SCALE) and reused.

    Returns the account managers as dicts (id, team unit, branch, team, level), the
    account-manager department of each branch (service unit of customers without a manager), the
    candidates per (grid, required level) and the number of staff.
    """
    company = OrgUnit.objects.filter(code="SCALE").first()
    if company is None:
        with transaction.atomic():
            company = _create_org(branches, per_team)
    managers = []
    for pk, unit, username in User.objects.filter(role=Role.ACCOUNT_MANAGER, username__startswith="sc_b").values_list(
        "id", "org_unit_id", "username"
    ):
        _, branch, _, team, n = username.split("_")  # sc_b03_am_t5_07
        managers.append(
            {"id": pk, "unit": unit, "branch": int(branch[1:]), "team": int(team[1:]), "level": manager_level(int(n))}
        )
    _create_profiles(managers, grids)
    departments = dict(OrgUnit.objects.filter(code__startswith="SC-", code__endswith="-AM").values_list("code", "id"))
    by_team: dict[tuple[int, int], list[dict]] = {}
    for manager in managers:
        by_team.setdefault((manager["branch"], manager["team"]), []).append(manager)
    candidates = {}
    for g, (_name, _city, branch, team) in enumerate(grids):
        serving = by_team.get((branch, team), []) + by_team.get((branch, (team + 1) % TEAMS), [])
        for level, rank in LEVEL_RANK.items():
            candidates[g, level] = [m for m in serving if LEVEL_RANK[m["level"]] >= rank]
    staff = User.objects.filter(username__startswith="sc").count()
    return {
        "managers": managers,
        "departments": [departments[f"SC-B{b:02d}-AM"] for b in range(branches)],
        "candidates": candidates,
        "staff": staff,
        "company": company,
    }


def _create_profiles(managers: list[dict], grids: list) -> None:
    """A profile per manager without one: the grids of its team and of the team before it."""
    from kefu.accountmanagers.models import ManagerProfile

    have = set(ManagerProfile.objects.values_list("user_id", flat=True))
    served: dict[tuple[int, int], list[str]] = {}
    for name, _city, branch, team in grids:
        served.setdefault((branch, team), []).append(name)
        served.setdefault((branch, (team + 1) % TEAMS), []).append(name)
    profiles = [
        ManagerProfile(
            user_id=m["id"],
            level=m["level"],
            capacity=LEVEL_CAPACITY[m["level"]],
            grids=sorted(served.get((m["branch"], m["team"]), [])),
            regions=[CITIES[m["branch"] % len(CITIES)][0]],
        )
        for m in managers
        if m["id"] not in have
    ]
    ManagerProfile.objects.bulk_create(profiles, batch_size=1000)


def _create_org(branches: int, per_team: int) -> OrgUnit:
    """Units through treebeard (a few hundred), staff in one bulk insert sharing one password hash."""
    password = make_password(PASSWORD)
    users: list[User] = []

    rng = random.Random(3)

    def person(username: str, role: str, unit: OrgUnit) -> None:
        users.append(
            User(
                username=username,
                full_name=person_name(rng),
                role=role,
                org_unit=unit,
                password=password,
                mobile=f"139{len(users):08d}",
            )
        )

    company = OrgUnit.objects.add_root({"name": "压测省电力公司", "kind": UnitKind.COMPANY, "code": "SCALE"})
    person("scaleadmin", Role.ADMIN, company)
    for n in range(5):
        person(f"sc_auditor_{n}", Role.AUDITOR, company)
    for n in range(34):
        person(f"sc_hotline_{n:02d}", Role.AGENT, company)
    for b in range(branches):
        city = CITIES[b % len(CITIES)][0]
        code = f"SC-B{b:02d}"
        branch = OrgUnit.objects.add_child(
            company, {"name": f"{city}供电分公司", "kind": UnitKind.BRANCH, "code": code}
        )
        person(f"sc_b{b:02d}_head", Role.SUPERVISOR, branch)
        am = OrgUnit.objects.add_child(
            branch, {"name": f"{city}客户经理部", "kind": UnitKind.DEPARTMENT, "code": f"{code}-AM"}
        )
        cs = OrgUnit.objects.add_child(
            branch, {"name": f"{city}客户服务中心", "kind": UnitKind.DEPARTMENT, "code": f"{code}-CS"}
        )
        om = OrgUnit.objects.add_child(
            branch, {"name": f"{city}运维检修部", "kind": UnitKind.DEPARTMENT, "code": f"{code}-OM"}
        )
        for dept in (am, cs, om):
            person(f"sc_b{b:02d}_{dept.code[-2:].lower()}_head", Role.SUPERVISOR, dept)
        for t in range(TEAMS):
            team = OrgUnit.objects.add_child(
                am, {"name": f"客户经理{t + 1}班", "kind": UnitKind.TEAM, "code": f"{code}-AM-T{t}"}
            )
            person(f"sc_b{b:02d}_am_t{t}_head", Role.SUPERVISOR, team)
            for n in range(per_team):
                person(f"sc_b{b:02d}_am_t{t}_{n:02d}", Role.ACCOUNT_MANAGER, team)
        for t in range(2):
            team = OrgUnit.objects.add_child(
                cs, {"name": f"坐席{t + 1}班", "kind": UnitKind.TEAM, "code": f"{code}-CS-T{t}"}
            )
            person(f"sc_b{b:02d}_cs_t{t}_head", Role.SUPERVISOR, team)
            for n in range(10):
                person(f"sc_b{b:02d}_cs_t{t}_{n:02d}", Role.AGENT, team)
        for n in range(10):
            person(f"sc_b{b:02d}_om_{n:02d}", Role.HANDLER, om)
    User.objects.bulk_create(users, batch_size=1000)
    return company


# ── Names, numbers and rows ─────────────────────────────────────────────────────────────────


def _weighted(entries: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    values, cumulative, total = [], [], 0.0
    for value, weight in entries:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative


_SURNAMES = _weighted([(entry.rstrip("0123456789."), float(entry.lstrip(entry.rstrip("0123456789."))))
                       for entry in SURNAMES.split()])  # fmt: skip
_GIVEN = _weighted([(ch, 1 / (rank + 8)) for rank, ch in enumerate(dict.fromkeys(GIVEN))])


def person_name(rng: random.Random) -> str:
    """Surname by population share, then one (30%) or two given-name characters."""
    surname = rng.choices(_SURNAMES[0], cum_weights=_SURNAMES[1])[0]
    count = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choices(_GIVEN[0], cum_weights=_GIVEN[1], k=count))


def org_name(rng: random.Random, city: str) -> tuple[str, str]:
    """An organisation name and its industry, e.g. ('杭州恒达机械制造有限公司', '制造业')."""
    trade = "".join(rng.sample(TRADE_CHARS, 2))
    words, industry = rng.choice(INDUSTRIES)
    if rng.random() < 0.05:
        return (
            f"{city}{rng.choice(DISTRICTS)}{rng.choice(['街道办事处', '人民医院', '第一中学', '实验小学'])}",
            "公共管理",
        )
    return f"{city}{trade}{words}{rng.choice(ORG_FORMS)}", industry


def id_number(rng: random.Random, area: str, born: date) -> str:
    """A well-formed 18-digit resident ID number (GB 11643 check digit)."""
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


class Mobiles:
    """Unique valid mobile numbers, avoiding the ones already in the database."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = taken

    def __call__(self) -> str:
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if number not in self.taken:
                self.taken.add(number)
                return number


def customer_rows(args, org: dict, first_id: int, mobiles: Mobiles, stamp):
    """Yield (customer row, [key person rows]) with Python values in CUSTOMER_COLUMNS order."""
    rng = random.Random(args.seed)
    departments, candidates, grids = org["departments"], org["candidates"], org["grids"]
    tier_codes, tier_weights = zip(*TIERS, strict=True)
    today = datetime.now(UTC).date()
    start = datetime.now(UTC) - timedelta(days=3650)
    step = 3650 * 86400 / max(args.customers, 1)
    for n in range(args.customers):
        pk = first_id + n
        created = stamp(start + timedelta(seconds=n * step))
        g = rng.randrange(len(grids))
        grid, city, branch, _team = grids[g]
        _city, area_code, area = CITIES[branch % len(CITIES)]
        district = rng.choice(DISTRICTS)
        is_org = rng.random() < args.org_share
        roll = rng.random()
        if is_org:
            name, industry = org_name(rng, city)
            mobile = mobiles() if roll < 0.5 else ""
            phone = f"{area_code}{rng.randint(2, 8)}{rng.randrange(10**7):07d}" if rng.random() < 0.8 else ""
            ident, birthday = "", None
            org_code = f"91{area}MA{rng.randrange(10**8):08d}"
            address = f"{city}市{district}{rng.choice(COMMUNITIES)}路{rng.randint(1, 999)}号"
            email = f"service{pk}@example.cn" if rng.random() < 0.3 else ""
            credit, contract = rng.choice("AAAABBC"), f"HT{created[:4]}{pk:08d}"
        else:
            name, industry = person_name(rng), ""
            # 92% a unique valid mobile, 3% a mistyped one, 5% none.
            mobile = mobiles() if roll < 0.92 else (f"1{rng.randrange(10**9):09d}" if roll < 0.95 else "")
            phone = f"{area_code}{rng.randint(2, 8)}{rng.randrange(10**7):07d}" if rng.random() < 0.05 else ""
            born = today - timedelta(days=rng.randint(18 * 365, 85 * 365))
            ident = id_number(rng, area, born) if rng.random() < 0.6 else ""
            birthday = born.isoformat() if ident else None
            org_code, email, credit, contract = "", "", "", ""
            address = f"{city}市{district}{rng.choice(COMMUNITIES)}小区{rng.randint(1, 30)}幢{rng.randint(101, 2802)}室"
        tier = rng.choices(tier_codes, weights=tier_weights)[0]
        fitting = candidates[g, TIER_LEVEL[tier]]
        if fitting and rng.random() < 0.95:
            chosen = fitting[rng.randrange(len(fitting))]
            manager, unit = chosen["id"], chosen["unit"]
        else:
            manager, unit = None, departments[branch]
        potential = rng.choices(("high", "medium", "low", ""), cum_weights=(15, 50, 90, 100))[0]
        since = created[:10]
        if rng.random() < 0.4:  # customers since before the archive was kept
            since = (date.fromisoformat(since) - timedelta(days=rng.randint(1, 7300))).isoformat()
        status = rng.choices(("active", "dormant", "closed"), cum_weights=(90, 97, 100))[0]
        valid = is_valid_mobile(mobile) or is_valid_phone(phone)
        row = (pk, created, created, 1, "organisation" if is_org else "individual", f"S{pk:09d}", name, status,
               mobile, phone, email, ident, org_code, address, city, grid, industry,
               rng.choice(SOURCES), tier, credit, potential, since, contract, "", birthday, "", valid, manager, None,
               unit, None)  # fmt: skip
        people = []
        if is_org:
            for k in range(rng.randint(1, 3)):
                born = today - timedelta(days=rng.randint(25 * 365, 65 * 365))
                people.append((pk, created, created, 1, person_name(rng), KEY_TITLES[rng.randrange(len(KEY_TITLES))],
                               mobiles(), "", "", born.isoformat() if rng.random() < 0.5 else None,
                               rng.choice(PREFERENCES), rng.choice(TABOOS), k == 0))  # fmt: skip
        yield row, people


# ── Loading ─────────────────────────────────────────────────────────────────────────────────


def _copy_line(row) -> str:
    out = []
    for value in row:
        if value is None:
            out.append("\\N")
        elif value is True:
            out.append("t")
        elif value is False:
            out.append("f")
        else:
            out.append(str(value))
    return "\t".join(out) + "\n"


class Loader:
    """Appends rows to a table: COPY on PostgreSQL, executemany on SQLite, one chunk at a time."""

    def __init__(self, table: str, columns: str):
        self.table, self.columns = table, columns
        self.count = len(columns.split(","))

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.connection.cursor() as raw, raw.copy(sql) as copy:
                copy.write("".join(map(_copy_line, rows)))
        else:
            marks = ", ".join(["?"] * self.count)
            with transaction.atomic():
                connection.connection.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", rows)


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that back no constraint: safe to drop and recreate."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        return cursor.fetchall()


@contextmanager
def bulk_load(tables: list[str], *, drop_indexes: bool):
    """Drop the tables' secondary indexes (when asked) and rebuild them after, even on failure."""
    saved = [index for table in tables for index in _secondary_indexes(table)] if drop_indexes else []
    with connection.cursor() as cursor:
        for name, _definition in saved:
            cursor.execute(f'DROP INDEX "{name}"')
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("SET maintenance_work_mem = '1GB'")
            with stopwatch() as elapsed:
                for _name, definition in saved:
                    cursor.execute(definition)
            if saved:
                print(f"  rebuilt {len(saved)} indexes in {elapsed():.1f} s", flush=True)


def existing_mobiles() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile FROM customers_customer WHERE mobile <> '' "
            "UNION SELECT mobile FROM customers_keyperson WHERE mobile <> ''"
        )
        return {row[0] for row in cursor.fetchall()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=14, help="branches (default 14)")
    parser.add_argument("--managers-per-team", type=int, default=18, help="8 teams per branch (default 18)")
    parser.add_argument("--grids", type=int, default=200, help="grids over the branches (default 200)")
    parser.add_argument("--org-share", type=float, default=0.15, help="share of organisations (default 0.15)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor not in ("postgresql", "sqlite"):
        sys.exit("PostgreSQL or SQLite only.")

    # 1. Staff and the org tree.
    with stopwatch() as total:
        with stopwatch() as elapsed:
            grids = grid_names(args.branches, args.grids)
            org = build_org(args.branches, args.managers_per_team, grids)
            org["grids"] = grids
        print(f"org: {len(org['managers']):,} account managers, {org['staff']:,} staff, {len(grids)} grids "
              f"({elapsed():.1f} s)")  # fmt: skip

        # 2. Customers and key persons, chunk by chunk.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM customers_customer")
            last_id, existing = cursor.fetchone()
        if connection.vendor == "postgresql":

            def stamp(moment):
                return f"{moment:%Y-%m-%d %H:%M:%S}+00"
        else:

            def stamp(moment):
                return f"{moment:%Y-%m-%d %H:%M:%S}"

        mobiles = Mobiles(random.Random(args.seed + 1), existing_mobiles() if existing else set())
        customers = Loader("customers_customer", CUSTOMER_COLUMNS)
        key_persons = Loader("customers_keyperson", KEY_PERSON_COLUMNS)
        rows = customer_rows(args, org, last_id + 1, mobiles, stamp)
        people_count = 0
        with stopwatch() as load, bulk_load(["customers_customer", "customers_keyperson"], drop_indexes=not existing):
            for done in range(0, args.customers, CHUNK):
                chunk, people = [], []
                for row, persons in (next(rows) for _ in range(min(CHUNK, args.customers - done))):
                    chunk.append(row)
                    people.extend(persons)
                customers.write(chunk)
                key_persons.write(people)
                people_count += len(people)
                done_now = done + len(chunk)
                if done_now % (CHUNK * 4) == 0 or done_now == args.customers:
                    print(f"  {done_now:,} customers ({done_now / load():,.0f}/s)", flush=True)
        rows_total = args.customers + people_count
        print(f"loaded {args.customers:,} customers and {people_count:,} key persons in {load():.1f} s "
              f"({rows_total / load():,.0f} rows/s, indexes included)")  # fmt: skip

        # 3. Sequences and statistics.
        with stopwatch() as elapsed, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), "
                    "(SELECT MAX(id) FROM customers_customer))"
                )
                cursor.execute(
                    "VACUUM (ANALYZE) customers_customer, customers_keyperson, org_user, org_orgunit, "
                    "accountmanagers_managerprofile"
                )
            else:
                cursor.execute("ANALYZE")
        print(f"statistics in {elapsed():.1f} s")
    print(f"total {total():.1f} s: {rows_total / total():,.0f} rows/s over customers and key persons")


if __name__ == "__main__":
    main()
