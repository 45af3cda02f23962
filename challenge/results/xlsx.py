"""A streaming XLSX writer for plain tables: each sheet a bold, frozen header row with an
autofilter over the rows below, text as inline strings, numbers as numbers.

Rows go straight into the sheet's deflated zip entry in chunks, so memory stays constant
whatever the size. xlsxwriter in its constant-memory mode does the same at about 15 µs per
cell; this writer formats a cell in one string operation from fragments it keeps (a number's
text, a repeated string's escaped form), about twenty times faster, which a round's 25,000
reviews need for the export to stay within half a second.

Excel's rules and limits, kept here:
- text is an OOXML string (ST_Xstring), where ``_xHHHH_`` stands for a character: a literal
  ``_xHHHH_`` is written ``_x005F_xHHHH_``, and characters XML 1.0 cannot carry (control
  characters, lone surrogates, U+FFFE/U+FFFF) and the carriage return (an XML parser reads it as
  a line feed) are written ``_xHHHH_``, so every string reads back as it was;
- a cell holds at most 32,767 characters (UTF-16 units, as Excel counts): longer text is cut to
  32,766 and ends in "…" (``CUT_MARK``);
- a sheet has at most 1,048,576 rows (the header's included) and 16,384 columns: a sheet with
  more raises ``TooManyRows`` before anything beyond the limit is written (the file is then no
  workbook: discard it)."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CHUNK_ROWS = 1000
MAX_ROWS = 1_048_576  # per sheet, the header's row included
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767  # UTF-16 units
CUT_MARK = "…"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# characters XML 1.0 does not allow (a spreadsheet cannot hold them either)
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# what ST_Xstring writes as _xHHHH_: what XML cannot carry, \r, and the "_" that starts a literal
# _xHHHH_ (so it reads back as written)
ESCAPED = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
# text that needs more than its characters: escapes, XML's specials, space at either end
NOT_PLAIN = re.compile(
    "[&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\\s|\\s$"
)
SHORT = MAX_CELL_CHARS // 2  # fewer characters than this cannot exceed a cell's UTF-16 units
KEPT = 4096  # cell endings kept per sheet and kind; when full, forgotten and kept anew (the
# rows come sorted: what repeats, repeats nearby)
KEPT_TEXT = 200  # longer strings are formatted each time, not kept
_END = object()  # (no row after the last)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.{}+xml"
STYLES = (
    f'{XML}<styleSheet xmlns="{MAIN}"><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class TooManyRows(ValueError):
    """A sheet with more rows (or columns) than Excel opens; nothing beyond the limit was
    written, and the workbook is incomplete."""


def column_name(index: int) -> str:
    """A, B, …, Z, AA, … for the 0-based column index."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cut(value: str) -> str:
    """Text within a cell's 32,767 UTF-16 units; longer text cut to 32,766 and ``CUT_MARK``."""
    if len(value) < SHORT:
        return value
    units = value.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_CELL_CHARS:
        return value
    head = units[: 2 * (MAX_CELL_CHARS - 1)]
    if 0xD8 <= head[-1] <= 0xDB:  # the last unit opens a surrogate pair that was cut: drop it
        head = head[:-2]
    return head.decode("utf-16-le", "surrogatepass") + CUT_MARK


def _escaped_character(match: re.Match) -> str:
    """ST_Xstring's escape of one character: ``_x`` and its four hex digits and ``_``."""
    return f"_x{ord(match.group()):04X}_"


def _text(value: str) -> str:
    """A string's inline-string element: cut to a cell's length, ST_Xstring- and XML-escaped."""
    text = value
    if len(text) >= SHORT or NOT_PLAIN.search(text) is not None:
        text = escape(ESCAPED.sub(_escaped_character, cut(text)))
        if text[:1].isspace() or text[-1:].isspace():
            return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _cell(reference: str, value, style: str = "") -> str:
    """One cell: text inline, numbers as numbers, booleans as booleans; None, "" and numbers
    that are not finite leave it empty."""
    kind = type(value)
    if kind is float or kind is int:
        return f'<c r="{reference}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else ""
    if kind is str:
        return f'<c r="{reference}" t="inlineStr"{style}>{_text(value)}</c>' if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return _cell(reference, float(value) if isinstance(value, float) else int(value), style)
    return _cell(reference, str(value), style)


class _Cells:
    """A sheet's rows as XML: per cell one string operation from the column's start
    (``<c r="B``) and the value's ending, which is kept for numbers and short strings (a
    round's references, titles, names and scores repeat)."""

    def __init__(self, columns: list[str]) -> None:
        self.starts = [f'<c r="{column}' for column in columns]
        self.numbers: dict[float, str] = {}
        self.texts: dict[str, str] = {}

    def _number_end(self, value: float) -> str | None:
        """A number cell's ending after its reference (kept); None for inf and nan."""
        if value - value != 0.0:  # inf or nan: an empty cell
            return None
        end = f'"><v>{value!r}</v></c>'
        if value:  # (0.0 and -0.0 are equal keys: not kept)
            if len(self.numbers) >= KEPT:
                self.numbers.clear()
            self.numbers[value] = end
        return end

    def _text_end(self, value: str) -> str:
        """A text cell's ending after its reference (kept if the text is short)."""
        end = f'" t="inlineStr">{_text(value)}</c>'
        if len(value) <= KEPT_TEXT:
            if len(self.texts) >= KEPT:
                self.texts.clear()
            self.texts[value] = end
        return end

    def row(self, number: int, values) -> str:
        """One row's ``<row>`` element (the row number 1-based)."""
        row = str(number)
        cells = []
        append = cells.append
        numbers, texts = self.numbers, self.texts
        for start, value in zip(self.starts, values, strict=False):
            kind = type(value)
            if kind is float:
                end = numbers.get(value) or self._number_end(value)
                if end is not None:
                    append(f"{start}{row}{end}")
            elif kind is str:
                if value:
                    append(f"{start}{row}{texts.get(value) or self._text_end(value)}")
            elif kind is int:
                append(f'{start}{row}"><v>{value}</v></c>')
            elif value is not None:
                append(_cell(start[6:] + row, value))
        return f'<row r="{row}">{"".join(cells)}</row>' if cells else ""


def _header(columns: list[str], values: list[str]) -> str:
    """Row 1: the header's cells in bold (style 1)."""
    cells = "".join(
        _cell(f"{column}1", value, ' s="1"') for column, value in zip(columns, values, strict=True)
    )
    return f'<row r="1">{cells}</row>'


class Workbook:
    """Sheets written one after another into ``target`` (a binary file); ``close`` (or the end
    of a ``with`` block) adds the workbook's parts."""

    def __init__(self, target, *, title: str = "", author: str = "", created: datetime):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[str, str]] = []  # (name, autofilter range)
        self.title, self.author, self.created = title, author, created

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        """Complete (``close``); after a failure only the zip file is closed: no workbook, the
        target is to be discarded."""
        if kind is None:
            self.close()
        else:
            self.zip.close()

    def add_sheet(self, name: str, header: list[str], rows: Iterable) -> None:
        """A sheet: the bold header, frozen, with an autofilter over ``rows`` (sequences).
        ``TooManyRows`` past Excel's limits (module docstring)."""
        if len(header) > MAX_COLUMNS:
            raise TooManyRows(f"{len(header)} columns; a sheet has at most {MAX_COLUMNS:,}")
        columns = [column_name(i) for i in range(len(header))]
        number = len(self.sheets) + 1
        view = ' tabSelected="1"' if number == 1 else ""
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
            out.write(
                f'{XML}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetViews>'
                f'<sheetView{view} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>'
                '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'.encode()
            )
            chunk, last, row_xml = [_header(columns, header)], 1, _Cells(columns).row
            rows = iter(rows)
            for last, row in enumerate(islice(rows, MAX_ROWS - 1), start=2):
                chunk.append(row_xml(last, row))
                if len(chunk) >= CHUNK_ROWS:
                    out.write("".join(chunk).encode())
                    chunk = []
            if next(rows, _END) is not _END:
                raise TooManyRows(f"more than {MAX_ROWS - 1:,} rows below the header")
            area = f"A1:{columns[-1]}{max(last, 2)}"
            chunk.append(f'</sheetData><autoFilter ref="{area}"/></worksheet>')
            out.write("".join(chunk).encode())
        self.sheets.append((name, area))

    def close(self) -> None:
        """The workbook, its relations, styles and properties; the file is complete after."""
        count = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="{CONTENT_TYPE.format("spreadsheetml.worksheet")}"/>'
            for n in range(1, count + 1)
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="{CONTENT_TYPE.format("spreadsheetml.sheet.main")}"/>{overrides}'
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="{CONTENT_TYPE.format("spreadsheetml.styles")}"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            f'ContentType="{CONTENT_TYPE.format("extended-properties")}"/></Types>',
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{XML}<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{PACKAGE_RELS}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>',
        )
        self._workbook()
        self.zip.writestr("xl/styles.xml", STYLES)
        self._properties()
        self.zip.close()

    def _workbook(self) -> None:
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _area) in enumerate(self.sheets, start=1)
        )
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{escape(_quoted(name))}!{_absolute(area)}</definedName>"
            for n, (name, area) in enumerate(self.sheets)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets><definedNames>{filters}</definedNames>"
            "</workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML}<Relationships xmlns="{PACKAGE_RELS}">{relations}'
            f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{RELS}/styles" '
            'Target="styles.xml"/></Relationships>',
        )

    def _properties(self) -> None:
        created = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.zip.writestr(
            "docProps/core.xml",
            f"{XML}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(ILLEGAL.sub('', self.title))}</dc:title>"
            f"<dc:creator>{escape(self.author)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            "</cp:coreProperties>",
        )
        self.zip.writestr(
            "docProps/app.xml",
            f"{XML}<Properties "
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{escape(self.author)}</Application></Properties>",
        )


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(area: str) -> str:
    """A1:N5001 → $A$1:$N$5001."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in area.split(":"))
