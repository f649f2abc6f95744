"""Streaming readers: rows come one at a time, so a million-row file never sits in memory."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # offices save CSV from Excel in GBK, a subset of GB18030


class UnreadableFile(ValueError):
    pass


def _csv_encoding(path: Path) -> str:
    sample = path.open("rb").read(256 * 1024)
    for encoding in CSV_ENCODINGS:
        try:
            sample.decode(encoding)
            return encoding
        except UnicodeDecodeError as error:
            if error.start > len(sample) - 4:  # a character cut by the sample's end
                return encoding
    raise UnreadableFile(_("The CSV file is neither UTF-8 nor GBK/GB18030 text."))


def _csv_rows(path: Path) -> Iterator[list]:
    with path.open(encoding=_csv_encoding(path), newline="") as handle:
        yield from csv.reader(handle)


def _xlsx_rows(path: Path) -> Iterator[list]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The Excel file cannot be read: %(error)s") % {"error": error}) from error
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def iter_rows(path: Path, filename: str) -> Iterator[list]:
    """All rows, the header first, as lists of cell values (strings for CSV)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise UnreadableFile(_("Only .xlsx and .csv files can be imported."))


def read_header(path: Path, filename: str) -> list[str]:
    for row in iter_rows(path, filename):
        header = [str(cell).strip() if cell is not None else "" for cell in row]
        while header and not header[-1]:
            header.pop()
        if any(header):
            return header
    raise UnreadableFile(_("The file is empty."))


def data_rows(path: Path, filename: str) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells) for every non-empty row after the header (row 1)."""
    rows = iter_rows(path, filename)
    next(rows, None)
    for number, row in enumerate(rows, start=2):
        if any(cell not in (None, "") and str(cell).strip() for cell in row):
            yield number, row


def count_rows(path: Path, filename: str) -> int:
    return sum(1 for _ in data_rows(path, filename))


def as_bytes_io(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))
