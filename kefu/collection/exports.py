"""The arrears list as an Excel workbook (the manager's list to work from, the supervisor's for a
meeting); every cell of text goes through safe_row (never a formula)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.exports import safe_row

MAX_ROWS = 100_000


def arrears_xlsx(arrears, today) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Arrears")[:31])
    sheet.append(
        [
            _("customer number"), _("customer"), _("account manager"), _("bill period"), _("amount owed (yuan)"),
            _("paid (yuan)"), _("balance (yuan)"), _("due date"), _("days past due"), _("status"),
            _("promise broken"),
        ]
    )  # fmt: skip
    for arrear in arrears[:MAX_ROWS].iterator(chunk_size=2000):
        customer = arrear.customer
        late = (today - arrear.due_date).days if arrear.status == "open" and arrear.due_date < today else 0
        sheet.append(
            safe_row(
                sheet,
                [
                    customer.code, customer.name, str(customer.account_manager or ""), f"{arrear.period:%Y-%m}",
                    arrear.amount, arrear.paid, arrear.amount - arrear.paid, arrear.due_date, late,
                    arrear.get_status_display(), _("yes") if arrear.promise_broken else "",
                ],
            )
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
