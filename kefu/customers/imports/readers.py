"""Reading an uploaded file in the background: what it really is, and its rows one at a time.

Nothing here trusts the file. Its kind comes from its first bytes, not its name (a renamed
.xls, PDF or picture is named as such); a workbook's zip directory is checked before any XML is
read (total and per-part uncompressed size, compression ratio: a zip bomb of 1 MB that expands
to 1 GB is refused in milliseconds, and Python's zipfile never inflates a part past the size
its directory states); the sheet's stored dimension is ignored (a wrong tag would cut the
rows); rows and cells have caps; CSV text is UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text") or GBK/GB18030. Each problem raises `UnreadableFile` with a sentence for the
clerk, which the job shows as its failure.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

MAX_CELL_CHARS = 10_000  # the longest free text of a customer (notes) fits comfortably
MAX_COLUMNS = 200
MAX_LINE_CHARS = 1_000_000  # one CSV line, read with a bounded readline; a field's cap is checked after
MAX_WORKBOOK_BYTES = 1_000_000_000  # uncompressed, all parts together
MAX_SHARED_STRINGS_BYTES = 100_000_000  # the one part openpyxl keeps in memory whole
MAX_COMPRESSION_RATIO = 200  # sheet XML compresses 10-50 times; zip bombs a thousand and more
PREVIEW_ROWS = 20
SNIFF_BYTES = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
OTHER_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"{\\rtf": "RTF",
}


class UnreadableFile(ValueError):
    pass


class FormulaCell:
    """A formula cell with no stored result (saved by a program that does not calculate)."""

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self):
        return self.formula


class ErrorCell:
    """A cell showing an Excel error such as #N/A or #REF!."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self):
        return self.code


# --- what the file is -----------------------------------------------------------------------------


def sniff(path: Path, filename: str = "") -> str:
    """ "xlsx", or "csv:<encoding>:<delimiter>", from the content; UnreadableFile otherwise.

    A workbook named .csv is read as the workbook it is; a file named .xlsx must be one."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise UnreadableFile(_("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        check_workbook(path)
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        raise UnreadableFile(
            _(
                "This is an old Excel 97-2003 workbook (.xls) or a workbook with a password. "
                "Open it in Excel, remove any password and save it as “Excel workbook (.xlsx)”."
            )
        )
    for magic, kind in OTHER_MAGIC.items():
        if head.startswith(magic):
            raise UnreadableFile(
                _("This is a %(kind)s file renamed, not a spreadsheet. Upload the .xlsx or .csv file itself.")
                % {"kind": kind}
            )
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile(
            _("The file is named .xlsx but is not an Excel workbook (a renamed file?). Upload the workbook itself.")
        )
    encoding = _text_encoding(head)
    text = head.decode(encoding, errors="ignore")
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return f"csv:{encoding}:{'tab' if delimiter == chr(9) else 'comma'}"


def _text_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise UnreadableFile(_("This is not a text (CSV) file or an Excel workbook."))
    for encoding in ("utf-8", "gb18030"):  # GBK, what Chinese Excel saves CSV in, is a subset of GB18030
        try:
            head.decode(encoding)
            return encoding
        except UnicodeDecodeError as error:
            if len(head) == SNIFF_BYTES and error.start > len(head) - 4:  # a character cut by the sample's end
                return encoding
    raise UnreadableFile(_("The CSV file is neither UTF-8 nor GBK/GB18030 text. Save it from Excel as “CSV UTF-8”."))


def encoding_label(file_format: str) -> str:
    """How the format is named to the clerk: "CSV (GB18030/GBK)", "Excel workbook"."""
    if file_format == "xlsx":
        return _("Excel workbook")
    encoding = file_format.split(":")[1]
    names = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}
    return f"CSV ({names.get(encoding, encoding)})"


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose parts would expand too far, before any of them is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(_("The Excel file is damaged and cannot be opened.")) from error
    if len(parts) > 10_000:
        raise UnreadableFile(_("The Excel file has too many parts to be a spreadsheet."))
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        raise UnreadableFile(_("This is a zip file but not an Excel workbook (.xlsx)."))
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        too_packed = part.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO
        if too_packed or total > MAX_WORKBOOK_BYTES:
            raise UnreadableFile(
                _(
                    "The Excel file would expand to %(size)s MB or more when opened (a “zip bomb” or a damaged "
                    "file); it was not read."
                )
                % {"size": f"{total // 1_000_000:,}"}
            )
        if part.filename == "xl/sharedStrings.xml" and part.file_size > MAX_SHARED_STRINGS_BYTES:
            raise UnreadableFile(
                _("The Excel file holds more than %(limit)s MB of text; split it into smaller files.")
                % {"limit": MAX_SHARED_STRINGS_BYTES // 1_000_000}
            )


# --- rows ------------------------------------------------------------------------------------------


class Rows:
    """The file's non-empty rows as (spreadsheet row number, cells); `fraction_read()` for progress."""

    def __init__(self, path: Path, file_format: str):
        self.path, self.file_format = path, file_format
        self._position = lambda: 0.0

    def __iter__(self) -> Iterator[tuple[int, list]]:
        rows = self._xlsx() if self.file_format == "xlsx" else self._csv()
        max_rows = settings.KEFU_IMPORT_MAX_ROWS
        text = self.file_format != "xlsx"  # a CSV row's cells are all text: one join tells a blank row
        for number, cells in rows:
            if number > max_rows + PREVIEW_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{max_rows:,}"}
                )
            if text:
                if "".join(cells).strip():
                    yield number, cells
            elif any(cell is not None and (not isinstance(cell, str) or cell.strip()) for cell in cells):
                yield number, cells

    def fraction_read(self) -> float:
        return self._position()

    def _csv(self) -> Iterator[tuple[int, list]]:
        _kind, encoding, delimiter = self.file_format.split(":")
        size = max(self.path.stat().st_size, 1)
        with self.path.open("rb") as raw:
            self._position = lambda: min(1.0, raw.tell() / size)
            reader = csv.reader(_decoded_lines(raw, encoding), delimiter="\t" if delimiter == "tab" else ",")
            number = 0
            while True:
                number += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as error:
                    raise UnreadableFile(
                        _(
                            "Row %(row)d is not %(encoding)s text like the rows before it; "
                            "save the file again as “CSV UTF-8”."
                        )
                        % {"row": number, "encoding": encoding_label(self.file_format)}
                    ) from error
                except csv.Error as error:  # a field past csv's own limit: an unclosed quote
                    raise UnreadableFile(_cell_too_long(number)) from error
                _check_row(number, cells)
                yield number, cells

    def _xlsx(self) -> Iterator[tuple[int, list]]:
        check_workbook(self.path)
        handle = self.path.open("rb")  # a file object: openpyxl would refuse a workbook named .csv
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            handle.close()
            raise UnreadableFile(_("The Excel file is damaged and cannot be opened.")) from error
        try:
            if not workbook.worksheets:
                raise UnreadableFile(_("The Excel file has no worksheet."))
            sheet = workbook.worksheets[0]
            source = sheet._get_source()
            size = max(source._orig_file_size, 1)
            self._position = lambda: min(1.0, source.tell() / size)
            # The sheet's stored dimension is not used: rows are read until the sheet's XML ends.
            parser = _CellParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            try:
                for number, parsed in parser.parse():
                    cells: list = []
                    for cell in parsed:
                        column = cell["column"]
                        if column > MAX_COLUMNS:
                            raise UnreadableFile(_too_many_columns(number))
                        if column > len(cells):
                            cells.extend([None] * (column - len(cells)))
                        cells[column - 1] = cell["value"]
                    _check_row(number, cells)
                    yield number, cells
            except UnreadableFile:
                raise
            except Exception as error:  # malformed XML inside a valid zip
                raise UnreadableFile(_("The Excel file is damaged and cannot be read to its end.")) from error
            finally:
                source.close()
        finally:
            workbook.close()
            handle.close()


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser with values, telling a formula without a stored result and an
    error cell (#N/A) apart from an empty cell and from text."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FormulaCell("=" + (element.findtext(FORMULA_TAG) or ""))
        elif cell["data_type"] == "e" and cell["value"] is not None:
            cell["value"] = ErrorCell(str(cell["value"]))
        return cell


def _decoded_lines(raw, encoding: str) -> Iterator[str]:
    """The file's lines, each read with a bounded readline and decoded on its own, so that a
    line in another encoding fails at its own row (csv's record count names it)."""
    if encoding == "utf-16":  # its line ends are two bytes: let the text layer find them
        handle = io.TextIOWrapper(raw, encoding="utf-16", errors="strict", newline="")
        read, decode = handle.readline, None
    else:
        read, decode = raw.readline, encoding.replace("-sig", "")
        if encoding == "utf-8-sig":
            raw.read(len(codecs.BOM_UTF8))
    while True:
        line = read(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableFile(
                _("A line of the file is longer than %(limit)s characters; this is not a customer list.")
                % {"limit": f"{MAX_LINE_CHARS:,}"}
            )
        yield line.decode(decode) if decode else line


def _check_row(number: int, cells: list) -> None:
    if len(cells) > MAX_COLUMNS:
        raise UnreadableFile(_too_many_columns(number))
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise UnreadableFile(_cell_too_long(number))


def _cell_too_long(number: int) -> str:
    return _("Row %(row)d has a cell longer than %(limit)s characters; no customer field holds that much.") % {
        "row": number,
        "limit": f"{MAX_CELL_CHARS:,}",
    }


def _too_many_columns(number: int) -> str:
    return _("Row %(row)d has more than %(limit)d columns; this is not a customer list.") % {
        "row": number,
        "limit": MAX_COLUMNS,
    }


def head_rows(path: Path, file_format: str, limit: int = PREVIEW_ROWS) -> list[tuple[int, list]]:
    """The first `limit` non-empty rows: where the header is looked for, and the mapping page's preview."""
    rows = []
    for row in Rows(path, file_format):
        rows.append(row)
        if len(rows) >= limit:
            break
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    return rows


def data_rows(path: Path, file_format: str, header_row: int) -> Rows:
    return _After(path, file_format, header_row)


class _After(Rows):
    def __init__(self, path, file_format, header_row):
        super().__init__(path, file_format)
        self.header_row = header_row

    def __iter__(self):
        for number, cells in super().__iter__():
            if number > self.header_row:
                yield number, cells


def as_text(value) -> str:
    """A cell as the mapping page shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text.replace("T", " ")
    return str(value).strip()
