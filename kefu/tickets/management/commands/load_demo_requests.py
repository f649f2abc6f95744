"""A year of service requests for the demo, walked through their workflows by the services.

Run after load_demo_data: `python manage.py load_demo_requests [--requests N] [--if-empty]`.
Each request is created and moved with the real services (so events, audit entries and time
limits are what the system itself writes), then its timestamps are shifted back in time.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.customers.models import Customer
from kefu.org.choices import Role, UnitKind
from kefu.org.models import OrgUnit, User
from kefu.sla.models import SlaClock
from kefu.sla.services import sla_install_preset
from kefu.sla.timers import sla_sweep
from kefu.tickets import hooks, services
from kefu.tickets.models import Category, Ticket, TicketEvent
from kefu.tickets.services.setup import categories_install_defaults, workflows_install_defaults

SUBJECTS = {
    "complaint": [
        ("计划停电未提前通知", "小区昨日停电8小时，事先没有收到任何通知，冰箱内食品变质。", "书面道歉并赔偿损失"),
        ("抢修人员态度差", "报修后抢修人员到场态度生硬，未说明故障原因。", "要求道歉"),
        ("电费计算有误", "本月电费较上月翻倍，用电习惯没有变化，怀疑电表有问题。", "核查电表并退还多收电费"),
        ("频繁停电影响生产", "工厂一周内停电三次，生产线多次停机。", "查明原因并保证供电"),
        ("营业厅排队时间长", "营业厅仅开放一个窗口，排队超过一小时。", "增加窗口"),
    ],
    "inquiry": [
        ("峰谷电价咨询", "客户询问峰谷分时电价的具体时段和价格。", ""),
        ("电费缴纳方式", "客户咨询可以通过哪些渠道缴纳电费。", ""),
        ("光伏并网政策", "客户咨询分布式光伏并网流程和补贴政策。", ""),
    ],
    "repair": [
        ("家中突然停电", "客户家中突然停电，邻居家有电，总闸正常。", ""),
        ("线路冒火花", "小区门口电杆上线路冒火花，存在安全隐患。", ""),
        ("路灯不亮", "村道路灯连续三晚不亮。", ""),
    ],
    "service": [("申请增容", "企业扩大生产，申请变压器增容。", ""), ("办理过户", "房屋买卖后办理电费户名变更。", "")],
    "suggestion": [("建议增加夜间抢修力量", "夜间报修等待时间较长，建议增加值班人员。", "")],
    "praise": [("表扬抢修班及时到场", "抢修人员十五分钟即到达现场，很快恢复供电。", "")],
    "report": [("举报窃电行为", "邻居私拉电线，疑似窃电。", "")],
}
TYPES = ["complaint"] * 3 + ["inquiry"] * 4 + ["repair"] * 4 + ["service"] * 2 + ["suggestion", "praise", "report"]
CHANNELS = ["phone"] * 6 + ["counter", "portal", "email", "wechat", "visit"]
CAUSES = ["停送电", "营业", "服务", "供电质量", "电网建设"]


class Command(BaseCommand):
    help = "Load a year of demo service requests (after load_demo_data)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if requests exist.")

    def handle(self, *args, requests, seed, if_empty, **options):
        if if_empty and Ticket.objects.exists():
            self.stdout.write("Requests already exist; nothing loaded.")
            return
        workflows_install_defaults()
        categories_install_defaults()
        sla_install_preset(preset="utility")
        hooks.preset_installed()  # defaults of the apps above tickets (callback rules)
        cast = self._cast()
        rng = random.Random(seed)
        customers = list(Customer.objects.filter(status="active").values_list("id", flat=True))
        if not customers or not cast["agents"] or not cast["supervisors"]:
            raise CommandError("Load the customers and staff first: python manage.py load_demo_data")
        now = timezone.now()
        for n in range(requests):
            age = timedelta(days=365 * (1 - n / requests) ** 1.3, minutes=rng.randint(0, 600))
            with transaction.atomic():
                self._one(rng, cast, Customer.objects.get(pk=rng.choice(customers)), now - age, age)
        swept = sla_sweep()  # today's view of the time limits: warnings, breaches, escalations
        self.stdout.write(self.style.SUCCESS(f"{requests} demo requests loaded; time limits: {swept.as_dict()}"))

    def _cast(self) -> dict:
        users = User.objects.filter(is_active=True).select_related("org_unit")
        return {
            "agents": [u for u in users if u.role == Role.AGENT],
            "supervisors": [u for u in users if u.role == Role.SUPERVISOR],
            "handlers": [u for u in users if u.role == Role.HANDLER],
            "departments": list(OrgUnit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.TEAM])),
            "categories": list(Category.objects.filter(depth=2)),
        }

    def _one(self, rng, cast, customer, created_at, age):
        kind = rng.choice(TYPES)
        title, description, remedy = rng.choice(SUBJECTS[kind])
        agent = rng.choice(cast["agents"])
        ticket, _created = services.ticket_create(
            actor=agent,
            data={"ticket_type": kind, "channel": rng.choice(CHANNELS), "title": title, "description": description,
                  "remedy_requested": remedy, "priority": rng.choice(["normal"] * 5 + ["high", "urgent", "low"])},
            customer=customer,
            category=rng.choice(cast["categories"]) if kind == "complaint" and cast["categories"] else None,
        )  # fmt: skip
        # Older requests went further: most of last year's are closed, today's just registered.
        progress = min(1.0, age.days / 20 + rng.random() * 0.5)
        if kind == "complaint":
            self._walk_complaint(rng, cast, ticket, agent, progress)
        else:
            self._walk_simple(rng, cast, ticket, agent, progress)
        self._shift_into_the_past(ticket, created_at)

    def _step(self, ticket, actor, code, **fields):
        return services.ticket_transition(actor=actor, ticket=ticket, code=code, fields=fields)

    def _walk_complaint(self, rng, cast, ticket, agent, progress):
        supervisor = rng.choice(cast["supervisors"])
        ticket = self._step(ticket, agent, "acknowledge")
        if progress < 0.2:
            return
        if rng.random() < 0.15:
            self._step(ticket, agent, "assess_invalid", invalid_reason="经核实属于客户内部线路故障，已告知处理方式。")
            return
        ticket = self._step(ticket, agent, "assess_valid")
        if rng.random() < 0.1:
            services.ticket_supervise(actor=supervisor, ticket=ticket, note="请加快处理")
        if progress < 0.4:
            return
        ticket = self._step(ticket, agent, "dispatch", department=rng.choice(cast["departments"]))
        ticket = self._step(ticket, agent, "propose_plan", resolution_plan="上门核查并向客户说明情况，必要时给予补偿。")
        if progress < 0.55:
            return
        ticket = self._step(ticket, supervisor, "approve_plan")
        ticket = self._step(ticket, agent, "implemented", resolution="已上门处理并向客户致歉。")
        if progress < 0.7:
            return
        ticket = self._step(ticket, agent, "customer_confirmed")
        if progress < 0.85:
            return
        self._step(ticket, agent, "archive", root_cause="工作流程执行不到位", cause_class=rng.choice(CAUSES))

    def _walk_simple(self, rng, cast, ticket, agent, progress):
        if progress > 0.3 and rng.random() < 0.35:
            ticket = self._step(ticket, agent, "resolve_now", resolution="当场答复客户。")
        else:
            if progress < 0.15:
                return
            department = rng.choice(cast["departments"])
            ticket = self._step(ticket, agent, "dispatch", department=department)
            # A request goes to a handler of the department it was dispatched to (ticket_assign's rule).
            handlers = [h for h in cast["handlers"] if h.org_unit and h.org_unit.path.startswith(department.path)]
            if handlers and rng.random() < 0.7:
                ticket = services.ticket_assign(actor=agent, ticket=ticket, assignee=rng.choice(handlers))
            if ticket.ticket_type == "repair" and progress > 0.3:
                ticket = self._step(ticket, agent, "arrive")
            if progress < 0.5:
                return
            ticket = self._step(ticket, agent, "resolve", resolution="已处理完毕。")
        if progress > 0.7:
            self._step(ticket, agent, "close")

    def _shift_into_the_past(self, ticket, created_at):
        """Move the request, its events and audit entries back so it happened at `created_at`.

        Steps are three hours apart in their original order; a request registered less than that
        many hours ago has them closer together, so that none is dated after now.
        """
        events = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").only("id"))
        gap = min(timedelta(hours=3), (timezone.now() - created_at) / max(len(events), 1))
        _spread(events, "created_at", created_at, gap)
        delta = created_at - Ticket.objects.values_list("created_at", flat=True).get(pk=ticket.pk)
        last = created_at + gap * max(len(events) - 1, 0)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created_at, updated_at=last, due_at=F("due_at") + delta)
        Ticket.objects.filter(pk=ticket.pk, closed_at__isnull=False).update(closed_at=last)
        # Each step wrote one event and one audit entry: the trail shows the step's time too.
        entries = AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk).order_by("id")
        _spread(list(entries.only("id")), "occurred_at", created_at, gap)
        SlaClock.objects.filter(ticket=ticket).update(
            started_at=F("started_at") + delta, due_at=F("due_at") + delta, warn_at=F("warn_at") + delta
        )
        for field in ("stopped_at", "paused_at"):
            SlaClock.objects.filter(ticket=ticket, **{f"{field}__isnull": False}).update(**{field: F(field) + delta})


def _spread(rows: list, field: str, start, gap: timedelta) -> None:
    """Date the rows `gap` apart from `start`, in the order given (one UPDATE for all)."""
    for position, row in enumerate(rows):
        setattr(row, field, start + gap * position)
    if rows:
        type(rows[0]).objects.bulk_update(rows, [field])
