"""Export of a filtered customer list to .xlsx, streamed so that large lists fit in memory."""

import tempfile

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.exports import safe_row

from .models import Customer

EXPORT_COLUMNS = [
    ("code", "customer number"),
    ("name", "name"),
    ("get_kind_display", "customer type"),
    ("get_status_display", "status"),
    ("masked_mobile", "mobile"),
    ("masked_phone", "landline"),
    ("email", "email"),
    ("org_code", "organisation code"),
    ("address", "address"),
    ("region", "region"),
    ("grid", "grid"),
    ("industry", "industry"),
    ("get_source_channel_display", "source channel"),
    ("tier", "tier"),
    ("get_credit_rating_display", "credit rating"),
    ("account_manager_name", "account manager"),
    ("created_at", "created at"),
]
EXPORT_BATCH = 2000


def _cell(customer: Customer, attribute: str):
    if attribute == "account_manager_name":
        return customer.account_manager.full_name if customer.account_manager_id else ""
    value = getattr(customer, attribute)
    value = value() if callable(value) else value
    if attribute == "created_at":
        return timezone.localtime(value).replace(tzinfo=None)
    return str(value) if value is not None else ""


def customers_export_xlsx(*, actor, customers) -> tempfile.SpooledTemporaryFile:
    """Write `customers` (already scoped and filtered) to a workbook; log the export.

    Personal numbers stay masked: an export is a list, and lists never show them in full.
    Text that starts like a formula is written as text (kefu.core.exports).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append([_(label) for _attr, label in EXPORT_COLUMNS])
    count = 0
    for customer in customers.select_related("account_manager").iterator(chunk_size=EXPORT_BATCH):
        sheet.append(safe_row(sheet, (_cell(customer, attr) for attr, _label in EXPORT_COLUMNS)))
        count += 1
    # Handed to FileResponse, which closes it when the download is sent.
    output = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORTED,
            target=actor,
            summary=_("%(count)d customers exported to Excel") % {"count": count},
        )
    return output
