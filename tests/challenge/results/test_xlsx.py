"""The streaming XLSX writer (challenge/results/xlsx.py) against Excel's rules, read back with
openpyxl: OOXML string escapes (``_xHHHH_``) and characters XML cannot carry, a cell's 32,767
characters, a sheet's 1,048,576 rows and 16,384 columns, and the kept cell endings (numbers,
repeated strings) giving the same values as formatting each cell."""

from __future__ import annotations

import io
import itertools
import math
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from challenge.results import xlsx

CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TRICKY = [
    "_x0041_",  # reads as "A" unless its underscore is escaped
    "_x005F_x0041_",  # an escaped underscore, literally
    "a_x0041_x0042_b",  # two escapes sharing an underscore
    "_X004a_",  # hex digits in either case are an escape
    "_x00zz_",  # not an escape: written as it is
    "bell\x01and nul\x00",
    "line\r\nbreak\nand\ttab",
    " padded ",
    "<&> \"quoted\" 'single'",
    "lone \ud800 surrogate, \ufffe and \uffff",
    "Ümläute, ß, 😀",
]


def workbook(rows, header=None) -> openpyxl.Workbook:
    """A one-sheet workbook of these rows, written and opened again."""
    out = io.BytesIO()
    book = xlsx.Workbook(out, title="Test", author="Tests", created=CREATED)
    book.add_sheet("Sheet", header or [f"c{i}" for i in range(len(rows[0]))], rows)
    book.close()
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def values(book: openpyxl.Workbook) -> list[tuple]:
    return list(book.active.iter_rows(min_row=2, values_only=True))


def test_text_reads_back_exactly_with_escapes_and_forbidden_characters():
    rows = [[text] for text in TRICKY]
    read = [row[0] for row in values(workbook(rows))]
    # openpyxl hands inline strings over as stored; unescape applies OOXML's _xHHHH_ rule the
    # way Excel reads them
    assert [unescape(text) for text in read] == TRICKY
    assert read[0] == "_x005F_x0041_" and read[5] == "bell_x0001_and nul_x0000_"
    assert read[7] == " padded "  # kept with xml:space="preserve"
    assert read[10] == "Ümläute, ß, 😀"  # nothing to escape: as it is


def test_header_and_repeated_strings_are_escaped_alike():
    rows = [["_x0041_", "plain"] for _ in range(3)]
    book = workbook(rows, header=["_x0041_", "b\x02"])
    header = [c.value for c in book.active[1]]
    assert [unescape(v) for v in header] == ["_x0041_", "b\x02"]
    assert [tuple(unescape(v) for v in row) for row in values(book)] == [("_x0041_", "plain")] * 3


def test_a_cell_longer_than_excel_holds_is_cut_and_ends_in_an_ellipsis():
    exact = "a" * xlsx.MAX_CELL_CHARS
    long = "b" * 40_000
    emoji = "c" + "😀" * 20_000  # 40,001 UTF-16 units; the cut falls inside a surrogate pair
    read = values(workbook([[exact, long, emoji]]))[0]
    assert read[0] == exact
    assert len(read[1]) == xlsx.MAX_CELL_CHARS and read[1] == "b" * 32_766 + xlsx.CUT_MARK
    units = len(read[2].encode("utf-16-le")) // 2
    assert units <= xlsx.MAX_CELL_CHARS and read[2].endswith(xlsx.CUT_MARK)
    assert emoji.startswith(read[2][:-1]) and read[2][:-1] == "c" + "😀" * 16_382


def test_a_sheet_with_excels_rows_is_written_and_one_more_is_refused_cleanly():
    taken = itertools.count()

    def rows(count):
        for _ in range(count):
            next(taken)
            yield ()  # (empty rows: no <row> element, the row numbers still count)

    out = io.BytesIO()
    book = xlsx.Workbook(out, created=CREATED)
    book.add_sheet("Full", ["only"], rows(xlsx.MAX_ROWS - 1))
    assert book.sheets == [("Full", f"A1:A{xlsx.MAX_ROWS}")]
    with pytest.raises(xlsx.TooManyRows):
        book.add_sheet("Over", ["only"], rows(xlsx.MAX_ROWS + 5))
    # the limit's rows and one more were asked for, none after
    assert next(taken) == 2 * (xlsx.MAX_ROWS - 1) + 1
    assert len(book.sheets) == 1
    with pytest.raises(xlsx.TooManyRows):
        book.add_sheet("Wide", [f"c{i}" for i in range(xlsx.MAX_COLUMNS + 1)], [])


def test_numbers_keep_their_values_and_kinds():
    rows = [
        [3.0, 83.33, 7, True, None, "", float("nan"), math.inf, -0.0, 0.0, 2**53 + 1]
        for _ in range(3)
    ]
    read = values(workbook(rows))
    assert len(read) == 3 and read[0] == read[1] == read[2]
    assert read[0][:4] == (3, 83.33, 7, True)
    assert read[0][4:8] == (None, None, None, None)  # empty: None, "", nan, inf
    assert math.copysign(1, read[0][8]) == -1 and math.copysign(1, read[0][9]) == 1
    assert read[0][10] == 2**53 + 1


def test_kept_fragments_are_forgotten_when_full_and_values_stay_right():
    count = xlsx.KEPT * 2 + 10
    rows = [[i + 0.5, f"text {i}", f"text {i % 7}"] for i in range(count)]
    read = values(workbook(rows))
    assert read == [(i + 0.5, f"text {i}", f"text {i % 7}") for i in range(count)]


def test_the_workbook_keeps_its_form():
    book = workbook([["x", 1]])
    sheet = book.active
    assert book.sheetnames == ["Sheet"] and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet.auto_filter.ref == "A1:B2"
    assert book.properties.title == "Test" and book.properties.creator == "Tests"


def test_a_workbook_that_fails_closes_its_zip_file_and_one_that_ends_is_complete():
    out = io.BytesIO()
    with pytest.raises(xlsx.TooManyRows), xlsx.Workbook(out, created=CREATED) as book:
        book.add_sheet("Wide", [f"c{i}" for i in range(xlsx.MAX_COLUMNS + 1)], [])
    assert book.zip.fp is None  # (nothing is left to write when it is garbage-collected)
    out = io.BytesIO()
    with xlsx.Workbook(out, created=CREATED) as book:
        book.add_sheet("Sheet", ["a"], [[1]])
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A2"].value == 1
