"""Time-limit presets per industry (SPEC §14). An admin installs one, then edits the policies.

Figures are the public defaults the spec cites; each is a starting point, not a constant.
Entries: (name, ticket_type, priority, first response, arrival, resolution), each limit an
(amount, unit) pair or None.
"""

from .choices import TimeUnit as U

H, WH, WD, CD, M = U.CALENDAR_HOURS, U.WORKING_HOURS, U.WORKING_DAYS, U.CALENDAR_DAYS, U.CALENDAR_MINUTES

PRESETS: dict[str, list[tuple]] = {
    # State Grid commitments and a 2021 provincial rule: contact the complainant within 24 h,
    # answer within 4 working days; reports within 9 working days; repair crews on site within
    # 45 min (urban) and power back within 3 h of arrival; questions within 7 working days.
    "utility": [
        ("投诉", "complaint", "", (24, H), None, (4, WD)),
        ("举报", "report", "", (24, H), None, (9, WD)),
        ("故障报修", "repair", "", (15, M), (45, M), (4, H)),
        ("紧急报修", "repair", "urgent", (10, M), (30, M), (3, H)),
        ("咨询", "inquiry", "", (24, H), None, (7, WD)),
        ("业务办理", "service", "", (24, H), None, (5, WD)),
        ("建议", "suggestion", "", (24, H), None, (7, WD)),
        ("表扬", "praise", "", None, None, (7, WD)),
    ],
    # 《电信用户申诉处理办法》: the customer may go to the regulator after 15 days.
    "telecom": [
        ("投诉", "complaint", "", (24, H), None, (15, CD)),
        ("故障报修", "repair", "", (2, H), (24, H), (48, H)),
        ("咨询", "inquiry", "", (4, H), None, (3, WD)),
        ("业务办理", "service", "", (24, H), None, (3, WD)),
    ],
    # 12345-style government hotline: answer within 5 working days, reminders the day after.
    "government": [
        ("投诉", "complaint", "", (2, WH), None, (5, WD)),
        ("举报", "report", "", (2, WH), None, (9, WD)),
        ("咨询", "inquiry", "", (2, WH), None, (3, WD)),
        ("建议", "suggestion", "", (1, WD), None, (5, WD)),
        ("业务办理", "service", "", (1, WD), None, (5, WD)),
    ],
    # A hotel: a guest's complaint is answered within half an hour and settled within a day.
    "hotel": [
        ("投诉", "complaint", "", (30, M), None, (24, H)),
        ("客房报修", "repair", "", (10, M), (20, M), (4, H)),
        ("咨询", "inquiry", "", (10, M), None, (4, H)),
        ("服务需求", "service", "", (10, M), None, (2, H)),
    ],
    "generic": [
        ("投诉", "complaint", "", (24, H), None, (5, WD)),
        ("报修", "repair", "", (4, H), (24, H), (3, WD)),
        ("其他请求", "", "", (24, H), None, (7, WD)),
    ],
}

# The green channel (绿色通道, seed 002: "优质、优惠、优先", shorter limits for key accounts): for
# each active tier that carries it, `sla_install_preset` adds these policies keyed on that tier
# (customer_tier), so a top-tier customer's request gets about half the time. Same entries as
# above; a policy with type and tier is more specific than one with the type alone.
GREEN_CHANNEL: dict[str, list[tuple]] = {
    "utility": [
        ("投诉（绿色通道）", "complaint", "", (2, H), None, (2, WD)),
        ("故障报修（绿色通道）", "repair", "", (10, M), (30, M), (3, H)),
        ("咨询（绿色通道）", "inquiry", "", (4, H), None, (3, WD)),
        ("业务办理（绿色通道）", "service", "", (4, H), None, (2, WD)),
    ],
    "telecom": [
        ("投诉（绿色通道）", "complaint", "", (4, H), None, (5, CD)),
        ("故障报修（绿色通道）", "repair", "", (1, H), (4, H), (24, H)),
        ("业务办理（绿色通道）", "service", "", (4, H), None, (1, WD)),
    ],
    "government": [
        ("投诉（绿色通道）", "complaint", "", (1, WH), None, (3, WD)),
        ("业务办理（绿色通道）", "service", "", (4, WH), None, (3, WD)),
    ],
    "hotel": [
        ("投诉（绿色通道）", "complaint", "", (15, M), None, (12, H)),
        ("客房报修（绿色通道）", "repair", "", (5, M), (10, M), (2, H)),
    ],
    "generic": [
        ("投诉（绿色通道）", "complaint", "", (4, H), None, (3, WD)),
        ("报修（绿色通道）", "repair", "", (2, H), (8, H), (2, WD)),
        ("其他请求（绿色通道）", "", "", (8, H), None, (5, WD)),
    ],
}
