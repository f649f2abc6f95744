"""A realistic Chinese demo data set: an organisation, ~30 staff, a few thousand customers.

    python manage.py load_demo_data [--customers 3000] [--seed 2026] [--if-empty]

Generated, not hand-typed (Faker zh_CN for addresses, small lists for names), deterministic
for a seed. A year of history: customers are created across the past twelve months with
matching audit events, some edited since, with notes, key persons, volumes and credit records.
"""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.audit.services import audit_entry, audit_records
from kefu.customers.models import (
    CreditRecord,
    Customer,
    CustomerNote,
    CustomerProduct,
    CustomerVolume,
    KeyPerson,
    Tag,
)
from kefu.customers.validation import phone_is_valid_for_quality
from kefu.org.choices import Role, UnitKind
from kefu.org.models import OrgUnit, User

DEMO_PASSWORD = "kefu2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆瑶雪琳晨欣婷颖博文睿涵阳"
BRANCHES = [("城东供电分公司", "EAST", "城东区"), ("城西供电分公司", "WEST", "城西区"),
            ("城南供电分公司", "SOUTH", "城南区"), ("郊县供电分公司", "RURAL", "清河县")]  # fmt: skip
ORG_KINDS = [("酒店", "住宿餐饮"), ("制造有限公司", "制造业"), ("中学", "教育"), ("人民医院", "医疗卫生"),
             ("物业服务有限公司", "物业管理"), ("商贸有限公司", "批发零售"), ("物流有限公司", "交通运输")]  # fmt: skip
CHAINS = ["如家", "锦江之星", "华住"]
INDIVIDUAL_PRODUCTS = ["居民生活用电", "居民峰谷电价", "光伏并网"]
ORG_PRODUCTS = ["一般工商业用电", "大工业用电", "光伏并网", "两部制电价"]
TITLES = ["总经理", "电气负责人", "财务主管", "行政经理", "后勤主任", "设备科长"]
PREFERENCES = ["喜欢微信沟通", "上午方便接听电话", "关注电价政策", "重视书面通知", "偏好上门服务"]
TABOOS = ["忌周末来电", "不喜欢短信营销", "午休时间勿扰", "不接受未预约上门", ""]
TAGS = ["重要客户", "敏感用户", "绿色通道", "欠费风险"]
NOTES = ["客户反映电压偶有波动，已记录。", "走访时客户提出希望增加缴费渠道。", "客户对抢修速度表示满意。",
         "提醒客户及时缴纳电费。", "客户咨询峰谷电价，已解答。"]  # fmt: skip

STAFF = [
    # username, name, role, unit code (None = company)
    ("admin", "郑管理员", Role.ADMIN, None), ("auditor", "吴审计", Role.AUDITOR, None),
    ("agent", "孙坐席", Role.AGENT, "HOTLINE"), ("zhouli", "周丽", Role.AGENT, "HOTLINE"),
    ("hemin", "何敏", Role.AGENT, "HOTLINE"), ("gaojing", "高静", Role.AGENT, "HOTLINE"),
    ("supervisor", "赵主管", Role.SUPERVISOR, "EAST"), ("linqiang", "林强", Role.SUPERVISOR, "WEST"),
    ("luojun", "罗军", Role.SUPERVISOR, "SOUTH"), ("songtao", "宋涛", Role.SUPERVISOR, "RURAL"),
    ("manager", "王经理", Role.ACCOUNT_MANAGER, "EAST-S"), ("liufang", "刘芳", Role.ACCOUNT_MANAGER, "EAST-S"),
    ("chenyang", "陈阳", Role.ACCOUNT_MANAGER, "EAST-S"), ("yangxue", "杨雪", Role.ACCOUNT_MANAGER, "WEST-S"),
    ("huangbin", "黄彬", Role.ACCOUNT_MANAGER, "WEST-S"), ("xuting", "徐婷", Role.ACCOUNT_MANAGER, "WEST-S"),
    ("majie", "马杰", Role.ACCOUNT_MANAGER, "SOUTH-S"), ("zhuyan", "朱艳", Role.ACCOUNT_MANAGER, "SOUTH-S"),
    ("guohao", "郭浩", Role.ACCOUNT_MANAGER, "RURAL-S"), ("xiekai", "谢凯", Role.ACCOUNT_MANAGER, "RURAL-S"),
    ("handler", "周抢修", Role.HANDLER, "EAST-R"), ("tangpeng", "唐鹏", Role.HANDLER, "EAST-R"),
    ("hanyu", "韩宇", Role.HANDLER, "WEST-R"), ("fengbo", "冯博", Role.HANDLER, "WEST-R"),
    ("dengrui", "邓睿", Role.HANDLER, "SOUTH-R"), ("caohui", "曹辉", Role.HANDLER, "RURAL-R"),
    ("pengli", "彭莉", Role.HANDLER, "EAST-M"), ("zengwen", "曾文", Role.HANDLER, "WEST-M"),
    ("xiaohan", "肖涵", Role.HANDLER, "SOUTH-M"), ("tianyao", "田瑶", Role.HANDLER, "RURAL-M"),
]  # fmt: skip
DEMO_LOGINS = ["admin", "supervisor", "manager", "agent", "handler", "auditor"]


def _audit(customer, action, changes) -> AuditEvent:
    return audit_entry(
        actor=customer.account_manager, action=action, target=customer, customer_id=customer.pk, changes=changes
    )


class Command(BaseCommand):
    help = "Load the demo organisation, staff and customers (Chinese, generated)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if customers exist.")

    def handle(self, *args, customers, seed, if_empty, **options):
        if if_empty and Customer.objects.exists():
            self.stdout.write("Demo data already loaded.")
            return
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        with transaction.atomic():
            units = self._organisation()
            staff = self._staff(units)
            self._customers(customers, units, staff)
        self.stdout.write(self.style.SUCCESS(f"Demo data: {len(staff)} staff, {customers} customers."))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): {', '.join(DEMO_LOGINS)}")

    def _organisation(self) -> dict[str, OrgUnit]:
        company = OrgUnit.objects.add_root({"name": "国网示范市供电公司", "kind": UnitKind.COMPANY, "code": "HQ"})
        units = {"HQ": company}
        units["HOTLINE"] = OrgUnit.objects.add_child(
            company, {"name": "客户服务中心", "kind": UnitKind.DEPARTMENT, "code": "HOTLINE"}
        )
        for name, code, _district in BRANCHES:
            branch = OrgUnit.objects.add_child(company, {"name": name, "kind": UnitKind.BRANCH, "code": code})
            units[code] = branch
            for suffix, dept in (("S", "营销部"), ("R", "抢修班"), ("M", "计量班")):
                units[f"{code}-{suffix}"] = OrgUnit.objects.add_child(
                    branch, {"name": f"{name[:2]}{dept}", "kind": UnitKind.DEPARTMENT, "code": f"{code}-{suffix}"}
                )
        return units

    def _staff(self, units) -> list[User]:
        staff = []
        for username, name, role, unit_code in STAFF:
            user = User(username=username, full_name=name, role=role, org_unit=units[unit_code or "HQ"],
                        mobile=f"139{self.rng.randint(10000000, 99999999)}", is_staff=role == Role.ADMIN,
                        is_superuser=role == Role.ADMIN)  # fmt: skip
            user.set_password(DEMO_PASSWORD)
            staff.append(user)
        # Hashing is the slow part: one hash, copied, keeps the load quick; every login is personal.
        for user in staff[1:]:
            user.password = staff[0].password
        User.objects.bulk_create(staff)
        return list(User.objects.filter(username__in=[s[0] for s in STAFF]))

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice([1, 2, 2])))

    def _mobile(self, used: set) -> str:
        while True:
            number = f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999999999):09d}"
            if number not in used:
                used.add(number)
                return number

    def _customers(self, count, units, staff):
        rng, now = self.rng, timezone.now()
        managers = [u for u in staff if u.role == Role.ACCOUNT_MANAGER]
        tags = [Tag.objects.create(name=name) for name in TAGS]
        used, customers = set(), []
        for n in range(count):
            manager = rng.choice(managers)
            branch_code = manager.org_unit.code.split("-")[0]
            district = next(b[2] for b in BRANCHES if b[1] == branch_code)
            is_org = rng.random() < 0.15
            mobile = "" if rng.random() < 0.05 else self._mobile(used)
            if mobile and rng.random() < 0.03:
                mobile = mobile[:-1]  # a mistyped number: the data-quality page should find it
            if is_org:
                kind_name, industry = rng.choice(ORG_KINDS)
                name = f"{self.fake.city_name()}{self.fake.last_name()}{self.rng.choice('华兴盛达恒泰')}{kind_name}"
            else:
                name, industry = self._name(), "居民"
            customers.append(
                Customer(
                    kind="organisation" if is_org else "individual",
                    code=f"{branch_code[0]}{n + 1:07d}",
                    name=name,
                    mobile=mobile,
                    phone=f"0571{rng.randint(80000000, 89999999)}" if is_org else "",
                    address=f"{district}{self.fake.street_name()}{rng.randint(1, 300)}号"
                    if rng.random() > 0.04
                    else "",
                    region=district,
                    grid=f"{district}{rng.randint(1, 12)}号网格",
                    industry=industry,
                    source_channel=rng.choice(["hotline", "counter", "visit", "portal", "referral", "import"]),
                    tier=rng.choices(["三星", "二星", "一星"], weights=[1, 3, 8])[0] if is_org else "",
                    credit_rating=rng.choices(["A", "B", "C"], weights=[7, 2, 1])[0],
                    account_manager=manager,
                    org_unit=manager.org_unit,
                    created_by=manager,
                    notes=rng.choice(["", "", "按时缴费", "需提前预约上门"]),
                )
            )
        for customer in customers:
            customer.has_valid_phone = phone_is_valid_for_quality(customer.mobile, customer.phone)
        Customer.objects.bulk_create(customers, batch_size=1000)
        customers = list(Customer.objects.select_related("account_manager").order_by("id"))
        self._chains(customers, units)
        self._history(customers, tags, now)

    def _chains(self, customers, units):
        """A few hotel chains with branches (members) across the city."""
        hotels = [c for c in customers if c.name.endswith("酒店")]
        for brand in CHAINS:
            head = Customer.objects.create(
                kind="organisation", name=f"{brand}酒店集团", industry="住宿餐饮", tier="三星",
                account_manager=customers[0].account_manager, org_unit=customers[0].org_unit,
                org_code="", has_valid_phone=True, phone="4008208820", source_channel="visit",
            )  # fmt: skip
            members = hotels[: self.rng.randint(3, 8)]
            hotels = hotels[len(members) :]
            Customer.objects.filter(pk__in=[m.pk for m in members]).update(parent=head)
            customers.append(head)

    def _history(self, customers, tags, now):
        rng = self.rng
        persons, products, volumes, credit, notes, events, created = [], [], [], [], [], [], {}
        for customer in customers:
            created[customer.pk] = now - timedelta(days=rng.uniform(0, 365))
            is_org = customer.kind == "organisation"
            for index in range(rng.randint(1, 4) if is_org else (1 if rng.random() < 0.2 else 0)):
                persons.append(KeyPerson(
                    customer=customer, name=self._name(), title=rng.choice(TITLES) if is_org else "家属",
                    mobile=f"13{rng.randint(100000000, 999999999)}",
                    birthday=date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
                    preferences=rng.choice(PREFERENCES), taboos=rng.choice(TABOOS), is_primary=index == 0,
                ))  # fmt: skip
            product = rng.choice(ORG_PRODUCTS if is_org else INDIVIDUAL_PRODUCTS)
            since = date(rng.randint(2008, 2025), rng.randint(1, 12), 1)
            products.append(CustomerProduct(customer=customer, name=product, started_on=since))
            if is_org:
                base = rng.uniform(5_000, 400_000)
                for month in range(12):
                    period = (now.date().replace(day=1) - timedelta(days=31 * month)).replace(day=1)
                    volume = base * rng.uniform(0.8, 1.2)
                    volumes.append(
                        CustomerVolume(
                            customer=customer, period=period, volume=round(volume, 2), revenue=round(volume * 0.65, 2)
                        )
                    )
                for _ in range(rng.randint(0, 3)):
                    kind = rng.choice(["paid_on_time", "paid_on_time", "late_payment", "plan_fulfilled"])
                    day = now.date() - timedelta(days=rng.randint(1, 360))
                    amount = round(rng.uniform(500, 90_000), 2)
                    credit.append(CreditRecord(customer=customer, occurred_on=day, kind=kind, amount=amount))
            events.append(
                _audit(
                    customer, AuditAction.CREATED, {"name": [None, customer.name], "mobile": [None, customer.mobile]}
                )
            )
            if rng.random() < 0.25:
                events.append(_audit(customer, AuditAction.UPDATED, {"grid": ["", customer.grid]}))
            if rng.random() < 0.3:
                notes.append(CustomerNote(customer=customer, author=customer.account_manager, text=rng.choice(NOTES)))
        KeyPerson.objects.bulk_create(persons, batch_size=2000)
        CustomerProduct.objects.bulk_create(products, batch_size=2000)
        CustomerVolume.objects.bulk_create(volumes, batch_size=2000)
        CreditRecord.objects.bulk_create(credit, batch_size=2000)
        CustomerNote.objects.bulk_create(notes, batch_size=2000)
        audit_records(events)
        self._backdate(customers, created, tags)

    def _backdate(self, customers, created, tags):
        """auto_now_add cannot be set on insert: move creation (and its audit event) back afterwards."""
        # bulk_update: a few statements, not one UPDATE per row (a default load has thousands).
        for customer in customers:
            customer.created_at = customer.updated_at = created[customer.pk]
        Customer.objects.bulk_update(customers, ["created_at", "updated_at"], batch_size=1000)
        events = list(AuditEvent.objects.filter(target_type="customers.customer").only("id", "customer_id", "action"))
        for event in events:
            shift = timedelta(days=self.rng.uniform(1, 60)) if event.action == AuditAction.UPDATED else timedelta()
            event.occurred_at = min(created[event.customer_id] + shift, timezone.now())
        AuditEvent.objects.bulk_update(events, ["occurred_at"], batch_size=1000)
        notes = list(CustomerNote.objects.only("id", "customer_id"))
        for note in notes:
            note.created_at = created[note.customer_id] + timedelta(days=self.rng.uniform(0, 30))
        CustomerNote.objects.bulk_update(notes, ["created_at"], batch_size=1000)
        through = Customer.tags.through
        through.objects.bulk_create(
            [through(customer_id=c.pk, tag_id=self.rng.choice(tags).pk) for c in customers if self.rng.random() < 0.12]
        )
