"""The workflows Kefu ships. An admin installs them once and then edits them in the admin.

The complaint process follows SPEC §5 / ISO 10002 (GB/T 19012-2019): register with the remedy
wanted → acknowledge → assess valid or invalid → investigate and dispatch → resolution plan
approved by a supervisor → implement → customer confirms → callback → archive with root cause.
The callback is a task of the callbacks app: recording its result takes the step marked
`CALLBACK_DONE` (or `CALLBACK_UNSATISFIED`) out of 待回访; archiving straight from 待回访 stays
for organisations that record callbacks on the request itself.
Names are stored in Chinese because they are data an admin edits, not program text.
"""

from dataclasses import dataclass, field

from .choices import StateKind, TicketType, TransitionEffect


@dataclass(frozen=True)
class StateSpec:
    code: str
    name: str
    kind: str = StateKind.OPEN
    initial: bool = False
    stops_arrival_clock: bool = False


@dataclass(frozen=True)
class TransitionSpec:
    code: str
    name: str
    source: str
    target: str
    capability: str = "tickets.handle"
    required: list[str] = field(default_factory=list)
    effect: str = ""


@dataclass(frozen=True)
class WorkflowSpec:
    name: str
    states: list[StateSpec]
    transitions: list[TransitionSpec]


COMPLAINT = WorkflowSpec(
    name="投诉处理流程",
    states=[
        StateSpec("registered", "已受理", initial=True),
        StateSpec("acknowledged", "已告知受理"),
        StateSpec("investigating", "调查中"),
        StateSpec("dispatched", "已派单"),
        StateSpec("plan_proposed", "方案待审批"),
        StateSpec("implementing", "方案实施中"),
        StateSpec("awaiting_confirmation", "待客户确认", StateKind.WAITING),
        StateSpec("callback", "待回访"),
        StateSpec("summary", "待总结归档"),
        StateSpec("archived", "已归档", StateKind.FINAL),
        StateSpec("invalid", "无效投诉已答复", StateKind.FINAL),
    ],
    transitions=[
        TransitionSpec("acknowledge", "告知受理", "registered", "acknowledged"),
        TransitionSpec("assess_valid", "判定有效", "acknowledged", "investigating", effect=TransitionEffect.MARK_VALID),
        TransitionSpec(
            "assess_invalid",
            "判定无效并答复",
            "acknowledged",
            "invalid",
            required=["invalid_reason"],
            effect=TransitionEffect.MARK_INVALID,
        ),
        TransitionSpec("dispatch", "派单", "investigating", "dispatched", required=["department"]),
        TransitionSpec("propose_plan", "提交处理方案", "investigating", "plan_proposed", required=["resolution_plan"]),
        TransitionSpec("propose_plan", "提交处理方案", "dispatched", "plan_proposed", required=["resolution_plan"]),
        TransitionSpec("approve_plan", "批准方案", "plan_proposed", "implementing", capability="tickets.approve"),
        TransitionSpec("reject_plan", "退回方案", "plan_proposed", "investigating", capability="tickets.approve"),
        TransitionSpec(
            "implemented", "实施完成，请客户确认", "implementing", "awaiting_confirmation", required=["resolution"]
        ),
        TransitionSpec("customer_confirmed", "客户确认", "awaiting_confirmation", "callback"),
        TransitionSpec("customer_disputes", "客户不认可", "awaiting_confirmation", "investigating"),
        TransitionSpec("archive", "回访完成并归档", "callback", "archived", required=["root_cause", "cause_class"]),
        # Taken by recording the callback task's result (kefu.callbacks), never offered by hand.
        TransitionSpec("callback_done", "回访完成", "callback", "summary", effect=TransitionEffect.CALLBACK_DONE),
        TransitionSpec(
            "callback_unsatisfied",
            "回访不满意，重新调查",
            "callback",
            "investigating",
            effect=TransitionEffect.CALLBACK_UNSATISFIED,
        ),
        TransitionSpec("archive_summary", "总结归档", "summary", "archived", required=["root_cause", "cause_class"]),
        TransitionSpec("reopen", "重新打开", "archived", "investigating", capability="tickets.reopen"),
        TransitionSpec("reopen", "重新打开", "invalid", "acknowledged", capability="tickets.reopen"),
    ],
)


def _simple(name: str, *, answer_name: str = "处理完成") -> WorkflowSpec:
    """register → in progress ⇄ waiting for the customer → resolved → closed, with reopen."""
    return WorkflowSpec(
        name=name,
        states=[
            StateSpec("registered", "已受理", initial=True),
            StateSpec("in_progress", "处理中"),
            StateSpec("waiting_customer", "等待客户", StateKind.WAITING),
            StateSpec("resolved", "已解决"),
            StateSpec("closed", "已关闭", StateKind.FINAL),
        ],
        transitions=[
            TransitionSpec("start", "开始处理", "registered", "in_progress"),
            TransitionSpec("dispatch", "派单", "registered", "in_progress", required=["department"]),
            TransitionSpec("resolve_now", "当场解决", "registered", "resolved", required=["resolution"]),
            TransitionSpec("wait_customer", "等待客户", "in_progress", "waiting_customer"),
            TransitionSpec("customer_replied", "客户已答复", "waiting_customer", "in_progress"),
            TransitionSpec("resolve", answer_name, "in_progress", "resolved", required=["resolution"]),
            TransitionSpec("close", "关闭", "resolved", "closed"),
            TransitionSpec("reopen", "重新打开", "resolved", "in_progress", capability="tickets.reopen"),
            TransitionSpec("reopen", "重新打开", "closed", "in_progress", capability="tickets.reopen"),
        ],
    )


def _repair() -> WorkflowSpec:
    """Repairs add arrival on site, which stops the on-site time limit (e.g. 45 min urban)."""
    base = _simple("故障报修流程", answer_name="修复完成")
    states = [*base.states[:2], StateSpec("on_site", "已到达现场", stops_arrival_clock=True), *base.states[2:]]
    transitions = [
        *base.transitions,
        TransitionSpec("arrive", "到达现场", "in_progress", "on_site"),
        TransitionSpec("resolve", "修复完成", "on_site", "resolved", required=["resolution"]),
        TransitionSpec("wait_customer", "等待客户", "on_site", "waiting_customer"),
    ]
    return WorkflowSpec(name=base.name, states=states, transitions=transitions)


DEFAULT_WORKFLOWS: dict[str, WorkflowSpec] = {
    TicketType.COMPLAINT: COMPLAINT,
    TicketType.INQUIRY: _simple("咨询处理流程", answer_name="答复完成"),
    TicketType.REPAIR: _repair(),
    TicketType.SERVICE: _simple("业务办理流程", answer_name="办理完成"),
    TicketType.SUGGESTION: _simple("建议处理流程", answer_name="答复完成"),
    TicketType.PRAISE: _simple("表扬登记流程", answer_name="登记完成"),
    TicketType.REPORT: _simple("举报处理流程", answer_name="查处完成"),
}


# Complaint classes of the utility preset (SPEC §14: 服务, 营业, 停送电, 供电质量, 电网建设),
# with a few second-level categories an admin extends in the admin.
DEFAULT_CATEGORIES: dict[str, list[str]] = {
    "服务": ["服务态度", "服务规范", "服务渠道"],
    "营业": ["业扩报装", "电费电价", "抄表收费", "计量"],
    "停送电": ["计划停电", "故障停电", "欠费停复电"],
    "供电质量": ["电压质量", "频繁停电"],
    "电网建设": ["施工行为", "线路走廊", "设施安全"],
}


# Root-cause classes (原因分类) a complaint is archived with; an admin keeps the list in the admin.
DEFAULT_ROOT_CAUSES: list[str] = ["服务", "营业", "停送电", "供电质量", "电网建设"]
