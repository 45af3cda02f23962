"""Staff exports of a call's proposals: CSV and XLSX tables, and all attachments as one ZIP
streamed straight from storage (never held in memory as a whole)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator

import xlsxwriter

from challenge.platform import clock
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import BERLIN
from challenge.submissions.tables import Submission

BASE_COLUMNS = [
    "reference",
    "title",
    "team",
    "kind",
    "category",
    "status",
    "submitted_at",
    "summary",
]


async def rows_for(call: dict) -> tuple[list[str], list[list]]:
    """Header and rows: every non-draft proposal with its answers, in reference order."""
    questions = [q for q in call["questions"] or [] if q["type"] != "file"]
    rows = (
        await Submission.select(
            Submission.reference,
            Submission.title,
            Submission.organisation.name.as_alias("team"),
            Submission.organisation.kind.as_alias("kind"),
            Submission.category,
            Submission.status,
            Submission.submitted_at,
            Submission.summary,
            Submission.answers,
            Submission.challenge.key.as_alias("challenge"),
        )
        .output(load_json=True)
        .where((Submission.call == call["id"]) & (Submission.status != "draft"))
        .order_by(Submission.reference)
    )
    # On a call with challenges the challenge's key follows the reference.
    with_challenge = any(row["challenge"] for row in rows)
    header = BASE_COLUMNS + [q["key"] for q in questions]
    if with_challenge:
        header.insert(1, "challenge")
    table = []
    for row in rows:
        submitted = (
            row["submitted_at"].astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S")
            if row["submitted_at"]
            else ""
        )
        answers = row["answers"] or {}
        table.append(
            [
                row["reference"] or "",
                *([row["challenge"] or ""] if with_challenge else []),
                row["title"],
                row["team"],
                row["kind"],
                row["category"],
                row["status"],
                submitted,
                row["summary"],
                *(answers.get(q["key"], "") for q in questions),
            ]
        )
    return header, table


def _safe_cell(value):
    """Spreadsheet apps run cells starting with = + - @ as formulas: neutralise them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


async def as_csv(call: dict) -> bytes:
    """The call's proposals as CSV for Excel (semicolons, UTF-8 with BOM, no formulas)."""
    header, table = await rows_for(call)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([[_safe_cell(v) for v in row] for row in table])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


async def as_xlsx(call: dict) -> bytes:
    """The call's proposals as an Excel workbook (texts never read as formulas or links)."""
    header, table = await rows_for(call)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Einreichungen")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for number, row in enumerate(table, 1):
        sheet.write_row(number, 0, row)
    sheet.autofilter(0, 0, max(len(table), 1), len(header) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


class _Pipe:
    """A write-only file for zipfile whose bytes are handed out as they are written."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


async def attachments_zip(call: dict, storage) -> AsyncIterator[bytes]:
    """Every attachment of the call's submitted proposals, one folder per reference."""
    submissions = (
        await Submission.select(Submission.id, Submission.reference)
        .where((Submission.call == call["id"]) & (Submission.status == "submitted"))
        .order_by(Submission.reference)
    )
    pipe = _Pipe()
    archive = zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
    used: set[str] = set()
    for submission in submissions:
        documents = (
            await Document.select(Document.storage_key, Document.filename)
            .where(
                (Document.owner_type == "submission")
                & (Document.owner_id == str(submission["id"]))
                & (Document.status == "stored")
            )
            .order_by(Document.created_at)
        )
        for document in documents:
            name = f"{submission['reference']}/{document['filename']}"
            while name in used:
                name = name.replace("/", "/_", 1)
            used.add(name)
            info = zipfile.ZipInfo(name, date_time=clock.now().astimezone(BERLIN).timetuple()[:6])
            with archive.open(info, "w", force_zip64=True) as entry:
                async for chunk in storage.get_stream(document["storage_key"]):
                    entry.write(chunk)
                    if data := pipe.take():
                        yield data
            if data := pipe.take():
                yield data
    archive.close()
    yield pipe.take()
