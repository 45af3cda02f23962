"""What participation publishes as open data (issue 21, point 6), under the portal's open-data
licence: the published problems with their supports and visible comments, and the people's
prize results (counts only) of votings whose window has closed, on calls that are not drafts.

Never an e-mail address, an account id, a name, a comment's text or a hidden comment: problems
that are pending, declined or merged are left out, and a challenge's title only once the
challenge is public (approved, in a published call)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from piccolo.query.functions.aggregate import Count

from challenge.participation.places import district_label, topic_label
from challenge.participation.tables import (
    PrizeCandidate,
    PrizeVote,
    PrizeVoting,
    ProblemComment,
    ResidentProblem,
)
from challenge.platform import clock
from challenge.platform.i18n import gettext
from challenge.platform.theme import current as current_theme

PROBLEM_FIELDS = (
    "id",
    "title",
    "district",
    "district_name",
    "topic",
    "topic_name",
    "published_at",
    "supports",
    "comments",
    "challenge",
)
VOTE_FIELDS = (
    "call",
    "call_title",
    "voting_opened_at",
    "voting_closed_at",
    "challenge",
    "candidate",
    "votes",
    "voided_votes",
)


def publisher(settings) -> str:
    """The publisher named with the data: CHALLENGE_OPENDATA_PUBLISHER, or the theme's authority
    (as the partnerships' open data names it)."""
    return settings.opendata_publisher or current_theme().authority_in("de")


def envelope(settings, name: str, rows: list[dict]) -> dict:
    """The JSON file: licence, publisher and time of publication around the rows."""
    return {
        "license": settings.opendata_license,
        "publisher": publisher(settings),
        "published": clock.now().isoformat(),
        name: rows,
    }


def as_csv(fields: tuple[str, ...], rows: list[dict]) -> bytes:
    """Semicolons, UTF-8 with a BOM (spreadsheets read the umlauts), formula-safe text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        values = [row[name] for name in fields]
        writer.writerow(
            [
                "'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v
                for v in (_plain(v) for v in values)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value


async def _visible_comments() -> dict:
    rows = (
        await ProblemComment.select(ProblemComment.problem, Count(ProblemComment.id, alias="n"))
        .where(
            ProblemComment.hidden_at.is_null()
            & (ProblemComment.body != "")  # blanked by an erasure: no longer a comment
            & (ProblemComment.problem.status == "published")
        )
        .group_by(ProblemComment.problem)
    )
    return {row["problem"]: row["n"] for row in rows}


async def problems() -> list[dict]:
    """The published problems, newest first."""
    challenge = ResidentProblem.challenge
    rows = (
        await ResidentProblem.select(
            ResidentProblem.id,
            ResidentProblem.title,
            ResidentProblem.district,
            ResidentProblem.topic,
            ResidentProblem.published_at,
            ResidentProblem.support_count,
            challenge.title.as_alias("challenge_title"),
            challenge.status.as_alias("challenge_status"),
            challenge.call.status.as_alias("call_status"),
        )
        .where(ResidentProblem.status == "published")
        .order_by(ResidentProblem.published_at, ascending=False)
    )
    comments = await _visible_comments()
    return [
        {
            "id": str(row["id"]),
            "title": row["title"],
            "district": row["district"],
            "district_name": gettext(district_label(row["district"]), "de"),
            "topic": row["topic"],
            "topic_name": gettext(topic_label(row["topic"]), "de"),
            "published_at": row["published_at"],
            "supports": row["support_count"],
            "comments": comments.get(row["id"], 0),
            "challenge": row["challenge_title"]
            if row["challenge_status"] == "approved" and row["call_status"] not in (None, "draft")
            else None,
        }
        for row in rows
    ]


def _public_challenge(candidate: dict) -> bool:
    """A challenge is public once approved in a call that is not a draft."""
    return candidate["challenge_status"] == "approved" and candidate[
        "challenge_call_status"
    ] not in (None, "draft")


async def _counts(voting_ids: list) -> tuple[dict, dict]:
    """(valid votes, voided votes) per candidate."""
    counted = []
    for voided in (False, True):
        where = PrizeVote.voting.is_in(voting_ids) & (
            PrizeVote.voided_at.is_not_null() if voided else PrizeVote.voided_at.is_null()
        )
        rows = (
            await PrizeVote.select(PrizeVote.candidate, Count(PrizeVote.id, alias="n"))
            .where(where)
            .group_by(PrizeVote.candidate)
        )
        counted.append({row["candidate"]: row["n"] for row in rows})
    return counted[0], counted[1]


async def votes(now: datetime | None = None) -> list[dict]:
    """The people's prize results of every voting whose window has closed, on a call that is
    not a draft: per candidate (those whose team consented) the valid and the voided votes, the
    challenge's title only where the challenge is public; newest voting first, then by votes."""
    now = now or clock.now()
    votings = (
        await PrizeVoting.select(
            PrizeVoting.id,
            PrizeVoting.opens_at,
            PrizeVoting.closes_at,
            PrizeVoting.call.slug.as_alias("call"),
            PrizeVoting.call.title.as_alias("call_title"),
        )
        .where((PrizeVoting.closes_at <= now) & (PrizeVoting.call.status != "draft"))
        .order_by(PrizeVoting.closes_at, ascending=False)
    )
    if not votings:
        return []
    ids = [v["id"] for v in votings]
    candidates = await PrizeCandidate.select(
        PrizeCandidate.id,
        PrizeCandidate.voting,
        PrizeCandidate.public_title,
        PrizeCandidate.challenge.title.as_alias("challenge"),
        PrizeCandidate.challenge.status.as_alias("challenge_status"),
        PrizeCandidate.challenge.call.status.as_alias("challenge_call_status"),
    ).where(PrizeCandidate.voting.is_in(ids) & PrizeCandidate.consented_at.is_not_null())
    valid, voided = await _counts(ids)
    rows = []
    for voting in votings:
        shown = [c for c in candidates if c["voting"] == voting["id"]]
        shown.sort(key=lambda c: (-valid.get(c["id"], 0), c["public_title"]))
        rows += [
            {
                "call": voting["call"],
                "call_title": voting["call_title"],
                "voting_opened_at": voting["opens_at"],
                "voting_closed_at": voting["closes_at"],
                "challenge": c["challenge"] if _public_challenge(c) else None,
                "candidate": c["public_title"],
                "votes": valid.get(c["id"], 0),
                "voided_votes": voided.get(c["id"], 0),
            }
            for c in shown
        ]
    return rows
