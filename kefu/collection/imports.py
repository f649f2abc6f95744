"""Bills and payments from the billing system's export (.xlsx or .csv), read in the request.

The files are small (a branch's month: thousands of rows, capped at services.MAX_ROWS), so they
are read at once and applied all or nothing by the same services as the API. The file is
checked by the customer import's readers (kefu.customers.imports.readers: its kind from its
first bytes, zip-bomb limits, encodings, cell and row caps) on a temporary copy that is removed
afterwards; nothing of it is kept."""

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.customers.imports import readers
from kefu.org.permissions import require_capability

from . import services
from .choices import ImportKind

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# Column headings the billing exports use, per field (compared without spaces, case-insensitive).
HEADINGS = {
    "customer_code": ("客户编号", "户号", "用户编号", "客户号", "customer number", "customer code", "customer_code"),
    "period": ("账期", "电费年月", "费用年月", "账单月份", "bill period", "period"),
    "amount": ("欠费金额", "应缴金额", "金额", "实缴金额", "缴费金额", "amount"),
    "due_date": ("应缴日期", "缴费截止日期", "截止日期", "到期日", "due date", "due_date"),
    "paid_on": ("缴费日期", "到账日期", "paid on", "paid_on"),
    "reference": ("缴费流水号", "流水号", "交易号", "payment reference", "reference"),
}
NEEDED = {
    ImportKind.ARREARS: ("customer_code", "period", "amount", "due_date"),
    ImportKind.PAYMENTS: ("customer_code", "period", "amount", "paid_on", "reference"),
}


def _heading(text) -> str:
    return "".join(readers.as_text(text).split()).lower()


def _columns(kind: str, cells: list) -> dict[str, int]:
    names = [_heading(cell) for cell in cells]
    columns = {}
    for field in NEEDED[kind]:
        aliases = {"".join(alias.split()).lower() for alias in HEADINGS[field]}
        for index, name in enumerate(names):
            if name in aliases:
                columns[field] = index
                break
    return columns


def read_rows(kind: str, uploaded_file) -> list[tuple[int, dict]]:
    """The file's rows as (row number, {field: cell}); ValidationError on 'file' naming what is wrong."""
    if kind not in NEEDED:
        raise ValidationError({"kind": _("Choose what the file contains.")})
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file.")})
    if Path(uploaded_file.name).suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError({"file": _("Only .xlsx and .csv files can be imported.")})
    if not uploaded_file.size:
        raise ValidationError({"file": _("The file is empty.")})
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB; split it into smaller files.")})
    with tempfile.NamedTemporaryFile(suffix=Path(uploaded_file.name).suffix.lower()) as copy:
        for chunk in uploaded_file.chunks():
            copy.write(chunk)
        copy.flush()
        path = Path(copy.name)
        try:
            file_format = readers.sniff(path, uploaded_file.name)
            rows = iter(readers.Rows(path, file_format))
            _header_number, header = next(rows, (None, None))
            if header is None:
                raise readers.UnreadableFile(_("The file is empty."))
            columns = _columns(kind, header)
            missing = [field for field in NEEDED[kind] if field not in columns]
            if missing:
                raise ValidationError(
                    {
                        "file": _("The first row must name the columns; missing: %(columns)s.")
                        % {"columns": "、".join(HEADINGS[field][0] for field in missing)}
                    }
                )
            found = []
            for number, cells in rows:
                if len(found) >= services.MAX_ROWS:
                    raise ValidationError(
                        {"file": _("At most %(limit)s rows at once; split the file.") % {"limit": services.MAX_ROWS}}
                    )
                values = {}
                for field, index in columns.items():
                    cell = cells[index] if index < len(cells) else None
                    if isinstance(cell, (readers.FormulaCell, readers.ErrorCell)):
                        raise ValidationError(
                            {
                                "file": _("Row %(row)s holds a formula or an error cell; export values.")
                                % {"row": number}
                            }
                        )
                    keep = field in ("amount", "due_date", "paid_on") or hasattr(cell, "isoformat")
                    values[field] = cell if keep else readers.as_text(cell)
                found.append((number, values))
        except readers.UnreadableFile as error:
            raise ValidationError({"file": str(error)}) from error
    return found


def import_file(*, actor, kind: str, uploaded_file) -> services.ImportResult:
    require_capability(actor, "collection.import")  # before anything of the file is read
    rows = read_rows(kind, uploaded_file)
    if kind == ImportKind.ARREARS:
        return services.arrears_import(actor=actor, rows=rows)
    return services.payments_import(actor=actor, rows=rows)
