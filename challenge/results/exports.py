"""Scores as CSV and XLSX (per entry, per juror, per criterion) and the jury-report PDF."""

from __future__ import annotations

import csv
import io

from challenge.jury.tables import Review
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.documents.tables import Document
from challenge.platform.pdf.issue import issue_pdf
from challenge.results.decisions import OUTCOME_LABELS, decisions_of
from challenge.results.selection import challenges_of
from challenge.results.services import juror_names, rankings_for
from challenge.results.tables import Decision

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _with_challenge(row: list, key, shown: bool) -> list:
    """The row with the entry's challenge key after the reference, on calls with challenges."""
    return [row[0], row[1], key or "", *row[2:]] if shown else row


def _entry_rows(mean, normalized, titles: dict, challenges: bool = False) -> list[list]:
    norm = {e.entry: e for e in normalized.entries}
    rows = [
        [
            e.rank,
            titles[e.entry]["reference"],
            titles[e.entry]["title"],
            e.score,
            e.score_low,
            e.score_high,
            e.rank_low,
            e.rank_high,
            norm[e.entry].score,
            e.reviews,
            e.spread,
            e.sd,
            "yes" if e.cutoff_unstable else "no",
        ]
        for e in mean.entries
    ]
    return [
        _with_challenge(row, titles[e.entry].get("challenge"), challenges)
        for row, e in zip(rows, mean.entries, strict=True)
    ]


def _review_rows(
    rows: list[dict], titles: dict, names: dict, criteria: list[dict], challenges: bool = False
) -> list[list]:
    return sorted(
        (
            [
                titles[r["submission"]]["reference"],
                *([titles[r["submission"]].get("challenge") or ""] if challenges else []),
                titles[r["submission"]]["title"],
                names.get(r["juror"], ""),
                *[r["scores"].get(c["key"]) for c in criteria],
                round(r["total"], 2),
            ]
            for r in rows
        ),
        key=lambda row: (row[0] or "", row[3 if challenges else 2]),
    )


def _juror_rows(mean, rows: list[dict], names: dict) -> list[list]:
    jurors = []
    for juror, leniency in sorted(mean.leniency.items(), key=lambda item: names.get(item[0], "")):
        mine = [r["total"] for r in rows if r["juror"] == juror]
        jurors.append(
            [
                names.get(juror, ""),
                len(mine),
                round(sum(mine) / len(mine), 2) if mine else None,
                leniency,
            ]
        )
    return jurors


def _criteria_rows(mean, rows: list[dict], criteria: list[dict]) -> list[list]:
    criteria_rows = []
    for c in criteria:
        values = [r["scores"][c["key"]] for r in rows if c["key"] in r["scores"]]
        criteria_rows.append(
            [
                c["key"],
                c["name"],
                c["weight"],
                c["scale_min"],
                c["scale_max"],
                round(sum(values) / len(values), 2) if values else None,
                mean.per_criterion.get(c["key"]),
            ]
        )
    return criteria_rows


async def score_tables(call: dict, number: int) -> dict:
    """The rows both exports write: entries (ranking), reviews (per juror and criterion),
    jurors, criteria."""
    results, titles, rows, round_ = await rankings_for(
        call, number=number, methods=("mean", "normalized")
    )
    criteria = round_["criteria"] or []
    names = await juror_names({r["juror"] for r in rows})
    mean = results["mean"]
    # a challenge column (its key) after the reference, only on calls with challenges
    shown = bool(await challenges_of(call))
    column = ["challenge"] if shown else []
    return {
        "entries": (
            [
                "rank",
                "reference",
                *column,
                "title",
                "score_mean",
                "score_low",
                "score_high",
                "rank_low",
                "rank_high",
                "score_normalized",
                "reviews",
                "spread",
                "sd",
                "cutoff_unstable",
            ],
            _entry_rows(mean, results["normalized"], titles, shown),
        ),
        "reviews": (
            ["reference", *column, "title", "juror", *[c["key"] for c in criteria], "total"],
            _review_rows(rows, titles, names, criteria, shown),
        ),
        "jurors": (["juror", "reviews", "mean_total", "leniency"], _juror_rows(mean, rows, names)),
        "criteria": (
            ["key", "name", "weight", "scale_min", "scale_max", "mean", "alpha"],
            _criteria_rows(mean, rows, criteria),
        ),
        "alpha": mean.alpha,
    }


def scores_csv(tables: dict) -> bytes:
    """One row per review: entry, juror, every criterion's score and the 0–100 total."""
    header, rows = tables["reviews"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) if v is not None else "" for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 with umlauts


def scores_xlsx(tables: dict, call_title: str) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    for sheet_name, key in (
        ("Ranking", "entries"),
        ("Reviews", "reviews"),
        ("Jurors", "jurors"),
        ("Criteria", "criteria"),
    ):
        header, rows = tables[key]
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, header, bold)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, [cell(v) if v is not None else "" for v in row])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    book.set_properties({"title": call_title, "author": "Smart City Challenge"})
    book.close()
    return out.getvalue()


REPORT_OWNER_TYPE = "jury_report"


async def report_reader(user, document: dict) -> bool:
    """Jury reports: staff only (see ``results.domain``)."""
    return is_staff(user)


async def _current_report(call: dict, filename: str) -> dict | None:
    """The last issued report of this name, if no review or decision changed since."""
    # (ordered rows rather than MAX(): SQLite hands aggregates back as text, not datetimes)
    changed = [
        row["updated_at"]
        for row in (
            await Decision.select(Decision.updated_at)
            .where(Decision.call == call["id"])
            .order_by(Decision.updated_at, ascending=False)
            .first(),
            await Review.select(Review.updated_at)
            .where(Review.round.call == call["id"])
            .order_by(Review.updated_at, ascending=False)
            .first(),
        )
        if row
    ]
    latest = (
        await Document.select()
        .where(
            (Document.owner_type == REPORT_OWNER_TYPE)
            & (Document.owner_id == str(call["id"]))
            & (Document.filename == filename)
            & (Document.status == "stored")
        )
        .order_by(Document.created_at, ascending=False)
        .first()
    )
    return latest if latest and all(latest["created_at"] >= at for at in changed) else None


async def _report_context(call: dict, number: int) -> dict:
    results, titles, rows, round_ = await rankings_for(
        call, number=number, methods=("mean", "normalized")
    )
    norm = {e.entry: e for e in results["normalized"].entries}
    decisions = {d["submission"]: d for d in await decisions_of(call["id"])}
    entries = [
        {
            "result": e,
            "normalized": norm[e.entry],
            "reference": titles[e.entry]["reference"],
            "title": titles[e.entry]["title"],
            "decision": decisions.get(e.entry),
        }
        for e in results["mean"].entries
    ]
    jurors = sorted(results["mean"].leniency.items(), key=lambda item: str(item[0]))
    return {
        "call": call,
        "round": round_,
        "entries": entries,
        "mean": results["mean"],
        "normalized": results["normalized"],
        "reviews": len(rows),
        "jurors": [
            {
                "label": f"{index}",
                "leniency": value,
                "reviews": sum(1 for r in rows if r["juror"] == juror),
                "raw_only": juror in results["normalized"].raw_only_jurors,
            }
            for index, (juror, value) in enumerate(jurors, start=1)
        ],
        "criteria": round_["criteria"] or [],
        "decided": sorted(
            (e for e in entries if e["decision"]),
            key=lambda e: (e["result"].rank, e["reference"] or ""),
        ),
        "generated_at": clock.now(),
        "outcome_labels": OUTCOME_LABELS,
    }


async def jury_report(
    storage, call: dict, *, number: int, locale: str, base_url: str, actor=None
) -> dict:
    """The jury-report PDF: methods, ranking with intervals, reliability, decisions and
    rationale. Issued again only when a review or decision changed since the last one."""
    filename = (
        f"{'Jurybericht' if locale == 'de' else 'Jury-report'}-{call['slug']}-{number}-{locale}.pdf"
    )
    latest = await _current_report(call, filename)
    if latest:
        return latest
    title = f"{'Jurybericht' if locale == 'de' else 'Jury report'}: {call['title']}"
    context = {**await _report_context(call, number), "verify_url": f"{base_url}/verify"}
    return await issue_pdf(
        storage,
        template="jury_report.html",
        context=context,
        locale=locale,
        title=title,
        filename=filename,
        kind="jury_report",
        owner_type=REPORT_OWNER_TYPE,
        owner_id=str(call["id"]),
        actor=actor,
    )
