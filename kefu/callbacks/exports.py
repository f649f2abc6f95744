"""The callback record sheet (回访记录表) and the periodic callback summary report (回访总结报告)
as Excel workbooks; every cell of text goes through safe_row (never a formula)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.core.exports import safe_row
from kefu.core.masking import mask_phone

from .choices import Satisfaction
from .selectors import GROUPINGS


def _time(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def record_sheet_xlsx(tasks, since, until) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Callback records")[:31]
    sheet.append([_("Callback record sheet"), f"{since} – {until}"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [
        _("Request number"),
        _("Request"),
        _("Customer"),
        _("Phone"),
        _("Staff followed up"),
        _("Due"),
        _("Called at"),
        _("Called by"),
        _("Attempts"),
        _("Status"),
        _("Result"),
        _("Customer's answer (verbatim)"),
        _("Answer to the follow-up question (verbatim)"),
        _("Comment"),
        _("Follow-up complaint"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for task in tasks.iterator(chunk_size=2000):
        ticket, customer = task.ticket, task.customer
        phone = (customer.mobile or customer.phone) if customer else ticket.caller_phone
        sheet.append(
            safe_row(
                sheet,
                [
                    ticket.number,
                    ticket.title,
                    customer.name if customer else ticket.caller_name,
                    mask_phone(phone),
                    str(task.staff),
                    _time(task.due_at),
                    _time(task.completed_at),
                    str(task.called_by) if task.called_by else "",
                    task.attempts,
                    task.get_status_display(),
                    task.get_result_display() if task.result else "",
                    task.answers.get("question", ""),
                    task.answers.get("follow_up", ""),
                    task.comment,
                    task.follow_up.number if task.follow_up else "",
                ],
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def summary_report_xlsx(totals: dict, sections: dict, since, until) -> bytes:
    """Totals of the period, then satisfaction per grouping (SPEC §14 definition)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Callback summary")[:31]
    sheet.append([_("Callback summary report"), f"{since} – {until}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Callbacks due"), totals["due"]])
    sheet.append([_("Successful callbacks"), totals["done"]])
    sheet.append([_("Customers unreachable"), totals["unreachable"]])
    for value, label in Satisfaction.choices:
        sheet.append([str(label), totals["results"][value]])
    sheet.append([_("Satisfaction (%)"), totals["rate"] if totals["rate"] is not None else ""])
    sheet.append([_("Satisfaction = (satisfied + basically satisfied) ÷ successful callbacks")])
    for by, rows in sections.items():
        sheet.append([])
        sheet.append(
            [
                str(GROUPINGS[by][1]),
                _("Successful callbacks"),
                *[str(label) for _v, label in Satisfaction.choices],
                _("Satisfaction (%)"),
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for row in rows:
            values = [str(row["group"]), row["total"], *[row[v] for v in Satisfaction.values], row["rate"]]
            sheet.append(safe_row(sheet, values))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
