"""The churn list (流失预警名单) as an Excel workbook: each customer's score and factor points.
Every row goes through core/exports.safe_row (never a formula); the export is audited."""

import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.exports import safe_row
from kefu.customers.tiers import tier_label

from .choices import Factor

EXPORT_CAP = 200_000  # rows in one workbook; the list is highest risk first


def churn_list_xlsx(*, actor, scores, run) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Churn list")[:31])
    sheet.append(safe_row(sheet, [_("Churn list"), run.as_of.isoformat() if run else ""]))
    sheet.append(
        safe_row(
            sheet,
            [
                _("customer number"), _("customer"), _("tier"), _("grid"), _("account manager"), _("risk score"),
                *(str(factor.label) for factor in Factor),
                _("drop (%)"), _("complaints"), _("unresolved complaints"), _("unsatisfied callbacks"),
                _("competitor records"),
            ],
        )
    )  # fmt: skip
    count = 0
    for score in scores[:EXPORT_CAP].iterator(chunk_size=2000):
        customer = score.customer
        sheet.append(
            safe_row(
                sheet,
                [
                    customer.code, customer.name, tier_label(customer.tier) if customer.tier else "", customer.grid,
                    str(customer.account_manager) if customer.account_manager_id else "", float(score.score),
                    float(score.points_volume), float(score.points_complaints), float(score.points_callbacks),
                    float(score.points_contact), float(score.points_competitor),
                    float(score.drop_percent), score.complaints, score.open_complaints, score.unsatisfied,
                    score.competitor_records,
                ],
            )
        )  # fmt: skip
        count += 1
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORTED,
            target=run,
            summary=_("Churn list exported: %(count)s customers") % {"count": count},
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
