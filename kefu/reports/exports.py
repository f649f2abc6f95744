"""The complaint classification table (顾客投诉分类统计表) as an Excel workbook."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.core.exports import safe_row

SECTIONS = [
    ("by_category", "By category"),
    ("by_cause", "By cause"),
    ("by_department", "By department"),
    ("by_tier", "By customer tier"),
    ("by_channel", "By channel"),
]


def complaint_statistics_xlsx(stats: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Complaint statistics")[:31]
    period = stats["period"]
    sheet.append([_("Complaint classification statistics"), f"{period.since} – {period.until}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Complaints"), stats["total"]])
    sheet.append([_("Valid complaint rate (%)"), stats["valid_rate"]])
    sheet.append([_("Complaints per 10,000 customers"), stats["per_10k_customers"]])
    sheet.append([_("Complaints from repeat complainants"), stats["repeat_complaints"]])
    for key, title in SECTIONS:
        sheet.append([])
        sheet.append([_(title), _("Complaints"), _("Valid"), _("Closed")])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for row in stats[key]:
            # Labels are typed by users (causes, category and department names): never a formula.
            sheet.append(safe_row(sheet, [str(row["label"]), row["total"], row["valid"], row["closed"]]))
    sheet.append([])
    sheet.append([_("Month"), _("Complaints")])
    for row in stats["monthly"]:
        sheet.append([f"{row['month']:%Y-%m}", row["total"]])
    sheet.column_dimensions["A"].width = 36
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
