"""Scores as CSV and XLSX (per entry, per juror, per criterion) and the jury-report PDF."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cached_property

from challenge.jury.services import round_of
from challenge.jury.tables import Review
from challenge.jury.totals import review_total
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.results import xlsx
from challenge.results.decisions import OUTCOME_LABELS, decisions_of
from challenge.results.pdf_process import issue_pdf_in_own_process
from challenge.results.selection import challenges_of
from challenge.results.services import entry_titles, export_reviews, rankings_of
from challenge.results.tables import Decision

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UNKNOWN = {"reference": None, "title": None}
CHUNK_ROWS = 1000  # CSV rows per streamed chunk
ENTRY_COLUMNS = [
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
]


def totals_of(reviews: list[tuple], criteria: list[dict]) -> list[float]:
    """``review_total`` of each review (scores last in the tuple), with the criteria read once:
    a review that scores every criterion with a plain number on its scale sums the same terms
    in the same order here (the same float); any other review goes to ``review_total``. A
    round's 25,000 reviews take a third of the time."""
    plan = [
        (c["key"], c["weight"], c["scale_min"], c["scale_max"], c["scale_max"] - c["scale_min"])
        for c in criteria
    ]
    weight = sum(c["weight"] for c in criteria)
    totals = []
    for review in reviews:
        scores = review[-1]
        terms = [
            w * (value - low) / span
            for key, w, low, high, span in plan
            if (type(value := scores.get(key)) is float or type(value) is int)
            and low <= value <= high
        ]
        if weight and len(terms) == len(plan):
            totals.append(100.0 * sum(terms) / weight)
        else:
            totals.append(review_total(scores, criteria))
    return totals


def cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class Reviews:
    """The round's final reviews as the exports write them (``services.export_reviews``:
    sorted by reference and juror); the rows are made one at a time while they are written."""

    round: dict
    reviews: list[tuple]  # (reference, challenge key, title, juror's name, juror's id, scores)
    challenges: bool

    @property
    def criteria(self) -> list[dict]:
        return self.round["criteria"] or []

    @cached_property
    def totals(self) -> list[float]:
        """Each review's 0–100 total (``review_total``), in the reviews' order."""
        return totals_of(self.reviews, self.criteria)

    @property
    def header(self) -> list[str]:
        column = ["challenge"] if self.challenges else []
        return ["reference", *column, "title", "juror", *[c["key"] for c in self.criteria], "total"]

    def rows(self) -> Iterator[list]:
        """One review a row: reference, the challenge key (on calls with challenges), title,
        juror, every criterion's score and the 0–100 total; text as ``cell`` writes it, a
        missing score None."""
        keys, shown = [c["key"] for c in self.criteria], self.challenges
        for (reference, challenge, title, name, _juror, scores), total in zip(
            self.reviews, self.totals, strict=True
        ):
            yield [
                cell(reference),
                *([cell(challenge or "")] if shown else []),
                cell(title),
                cell(name),
                *map(scores.get, keys),
                round(total, 2),
            ]


async def review_export(call: dict, number: int) -> Reviews:
    """The round's final reviews with the entries' references and titles and the jurors'
    names, in the exports' order; no ranking."""
    round_ = await round_of(call, number)
    return Reviews(round_, await export_reviews(round_), bool(await challenges_of(call)))


async def scores_csv(export: Reviews) -> AsyncIterator[bytes]:
    """One row per review: entry, juror, every criterion's score and the 0–100 total; UTF-8
    with a BOM (Excel opens it with umlauts), ``;`` between fields; streamed in chunks."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(export.header)
    for index, row in enumerate(export.rows(), start=1):
        writer.writerow(row)  # (the csv module writes None as an empty field)
        if index % CHUNK_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _entry_rows(mean, normalized, titles: dict, challenges: bool) -> Iterator[list]:
    """The ranking (mean) with its intervals beside the normalised score, one entry a row;
    text as ``cell`` writes it."""
    norm = {e.entry: e.score for e in normalized.entries}
    for e in mean.entries:
        title = titles.get(e.entry, UNKNOWN)  # (an entry whose reviews left since: no title)
        yield [
            e.rank,
            cell(title["reference"]),
            *([cell(title.get("challenge") or "")] if challenges else []),
            cell(title["title"]),
            e.score,
            e.score_low,
            e.score_high,
            e.rank_low,
            e.rank_high,
            norm[e.entry],
            e.reviews,
            e.spread,
            e.sd,
            "yes" if e.cutoff_unstable else "no",
        ]


def _summaries(export: Reviews, mean) -> tuple[list[list], list[list]]:
    """Per juror (reviews, mean total, leniency) and per criterion (mean score, alpha), summed
    in one pass over the reviews."""
    per_juror: dict = {}
    per_criterion: dict = {c["key"]: [0.0, 0] for c in export.criteria}
    for (*_, juror, scores), total in zip(export.reviews, export.totals, strict=True):
        mine = per_juror.setdefault(juror, [0.0, 0])
        mine[0] += total
        mine[1] += 1
        for key, value in scores.items():
            if key in per_criterion:
                per_criterion[key][0] += value
                per_criterion[key][1] += 1
    names = {review[4]: review[3] for review in export.reviews}
    jurors = [
        [
            names.get(juror, ""),
            per_juror.get(juror, (0, 0))[1],
            round(per_juror[juror][0] / per_juror[juror][1], 2) if juror in per_juror else None,
            leniency,
        ]
        for juror, leniency in sorted(
            mean.leniency.items(), key=lambda item: names.get(item[0], "")
        )
    ]
    criteria = [
        [
            c["key"],
            c["name"],
            c["weight"],
            c["scale_min"],
            c["scale_max"],
            round(per_criterion[c["key"]][0] / per_criterion[c["key"]][1], 2)
            if per_criterion[c["key"]][1]
            else None,
            mean.per_criterion.get(c["key"]),
        ]
        for c in export.criteria
    ]
    return jurors, criteria


async def score_tables(call: dict, number: int) -> dict:
    """The sheets of scores.xlsx as (header, rows): entries (the cached mean and normalised
    rankings with their intervals), reviews, jurors and criteria."""
    export = await review_export(call, number)
    ranked = await rankings_of(call, number=number, methods=("mean", "normalized"))
    mean = ranked.results["mean"]
    titles = await entry_titles(call["id"], (e.entry for e in mean.entries))
    jurors, criteria = _summaries(export, mean)
    column = ["challenge"] if export.challenges else []
    return {
        "entries": (
            ["rank", "reference", *column, "title", *ENTRY_COLUMNS],
            _entry_rows(mean, ranked.results["normalized"], titles, export.challenges),
        ),
        "reviews": (export.header, export.rows()),
        "jurors": (["juror", "reviews", "mean_total", "leniency"], jurors),
        "criteria": (
            ["key", "name", "weight", "scale_min", "scale_max", "mean", "alpha"],
            criteria,
        ),
    }


def scores_xlsx(tables: dict, call_title: str, target) -> None:
    """The four sheets into ``target`` (a binary file), row by row (``results.xlsx``)."""
    with xlsx.Workbook(
        target, title=call_title, author="Smart City Challenge", created=clock.now()
    ) as book:
        for sheet_name, key in (
            ("Ranking", "entries"),
            ("Reviews", "reviews"),
            ("Jurors", "jurors"),
            ("Criteria", "criteria"),
        ):
            header, rows = tables[key]
            if key not in ("entries", "reviews"):  # (their rows come as written)
                rows = ([cell(v) for v in row] for row in rows)
            book.add_sheet(sheet_name, header, rows)


async def scores_xlsx_file(call: dict, number: int):
    """scores.xlsx written to a temporary file (off the event loop), rewound for streaming; a
    round with more reviews than a sheet holds is refused (413 too_many_rows: scores.csv)."""
    tables = await score_tables(call, number)
    target = tempfile.TemporaryFile()
    try:
        await asyncio.to_thread(scores_xlsx, tables, call["title"], target)
    except xlsx.TooManyRows:
        target.close()
        raise Problem(
            413, "too_many_rows", N_("The request is too large."), extra={"use": "scores.csv"}
        ) from None
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


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


# The PDF's ranking table stops here; the complete ranking is in scores.xlsx. A city-wide call of
# thousands of proposals made a report of a hundred pages that took minutes and 300 MB to render.
REPORT_RANKS = 200


def shown_in_report(entries: list[dict], limit: int = REPORT_RANKS) -> list[dict]:
    """The entries the report's ranking table lists: the first ``limit`` ranks, and any later one
    whose cut-off is not stable (the jury must look at it again)."""
    return [e for e in entries if e["result"].rank <= limit or e["result"].cutoff_unstable]


async def _report_context(call: dict, number: int) -> dict:
    ranked = await rankings_of(call, number=number, methods=("mean", "normalized"))
    results, round_ = ranked.results, ranked.round
    titles = await entry_titles(call["id"], (e.entry for e in results["mean"].entries))
    norm = {e.entry: e for e in results["normalized"].entries}
    decisions = {d["submission"]: d for d in await decisions_of(call["id"])}
    entries = [
        {
            "result": e,
            "normalized": norm[e.entry],
            "reference": titles.get(e.entry, UNKNOWN)["reference"],
            "title": titles.get(e.entry, UNKNOWN)["title"],
            "decision": decisions.get(e.entry),
        }
        for e in results["mean"].entries
    ]
    jurors = sorted(results["mean"].leniency.items(), key=lambda item: str(item[0]))
    reviews = {j.juror: j.reviews for j in ranked.jurors}
    return {
        "call": call,
        "round": round_,
        "entries": entries,
        "shown": shown_in_report(entries),
        "mean": results["mean"],
        "normalized": results["normalized"],
        "reviews": sum(reviews.values()),
        "jurors": [
            {
                "label": f"{index}",
                "leniency": value,
                "reviews": reviews.get(juror, 0),
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
    # (laid out in a process of its own: WeasyPrint grew the web process by 50–90 MB)
    return await issue_pdf_in_own_process(
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
