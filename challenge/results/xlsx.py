"""A streaming XLSX writer for plain tables: each sheet a bold, frozen header row with an
autofilter over the rows below, text as inline strings, numbers as numbers.

Rows go straight into the sheet's deflated zip entry in chunks, so memory stays constant
whatever the size. xlsxwriter in its constant-memory mode does the same at about 15 µs per
cell; this writer formats a row in one string operation, about ten times faster, which a
round's 25,000 reviews need for the export to stay within half a second."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CHUNK_ROWS = 1000
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# characters XML 1.0 does not allow (a spreadsheet cannot hold them either)
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
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


def column_name(index: int) -> str:
    """A, B, …, Z, AA, … for the 0-based column index."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str) -> str:
    text = escape(ILLEGAL.sub("", value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


def _cell(reference: str, value, style: str = "") -> str:
    """One cell: text inline, numbers as numbers, booleans as booleans; None, "" and numbers
    that are not finite leave it empty."""
    kind = type(value)
    if kind is float or kind is int:  # the common cases first: a row is mostly numbers
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


def _row(number: int, columns: list[str], values, style: str = "") -> str:
    row = str(number)
    cells = "".join(
        [_cell(column + row, value, style) for column, value in zip(columns, values, strict=False)]
    )
    return f'<row r="{row}">{cells}</row>'


class Workbook:
    """Sheets written one after another into ``target`` (a binary file); ``close`` adds the
    workbook's parts."""

    def __init__(self, target, *, title: str = "", author: str = "", created: datetime):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[str, str]] = []  # (name, autofilter range)
        self.title, self.author, self.created = title, author, created

    def add_sheet(self, name: str, header: list[str], rows: Iterable) -> None:
        """A sheet: the bold header, frozen, with an autofilter over ``rows`` (sequences)."""
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
            chunk = [_row(1, columns, header, ' s="1"')]
            last = 1
            for last, row in enumerate(rows, start=2):
                chunk.append(_row(last, columns, row))
                if len(chunk) >= CHUNK_ROWS:
                    out.write("".join(chunk).encode())
                    chunk = []
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
