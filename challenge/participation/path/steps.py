"""A problem's path, step by step, as the public may see it (issue 21, point 3).

A step is a dict: ``key`` (stable: what was mailed is remembered by it), ``label`` (a msgid),
``detail`` (names or titles, not translated), optionally ``href``, ``date``, and numbers the page
and mail show beside the label: ``deadline`` (the call's), ``count`` (proposals), ``met`` and
``total`` (milestones). Later stages add steps through ``Domain.challenge_progress``.

Only what is public: a challenge that is not (yet) in a published call shows as "the city is
working on it", without its unit-internal text. All problems of a batch are read in a constant
number of queries (plus a few per call whose results are published)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from piccolo.query.functions.aggregate import Count

from challenge.calls.tables import Call
from challenge.challenges.policies import is_public
from challenge.challenges.tables import Challenge
from challenge.platform import clock
from challenge.platform.domains import each
from challenge.platform.i18n import N_
from challenge.results.publication import public_results
from challenge.submissions.tables import Submission

CLOSED = ("declined", "withdrawn")


async def _challenges(ids: list[UUID]) -> dict[UUID, dict]:
    call = Challenge.call
    rows = await Challenge.select(
        Challenge.id,
        Challenge.title,
        Challenge.status,
        Challenge.key,
        Challenge.call,
        call.slug.as_alias("slug"),
        call.title.as_alias("call_title"),
        call.status.as_alias("call_status"),
        call.opens_at.as_alias("opens_at"),
        call.closes_at.as_alias("closes_at"),
        call.published_at.as_alias("published_at"),
        call.results_published_at.as_alias("results_published_at"),
    ).where(Challenge.id.is_in(ids))
    for row in rows:
        shown = {"status": row["call_status"]} if row["call"] else None
        row["public"] = is_public(row, shown)
    return {row["id"]: row for row in rows}


async def _proposals(ids: list[UUID]) -> dict[UUID, int]:
    if not ids:
        return {}
    rows = (
        await Submission.select(Submission.challenge, Count(Submission.id, alias="n"))
        .where(Submission.challenge.is_in(ids) & (Submission.status == "submitted"))
        .group_by(Submission.challenge)
    )
    return {row["challenge"]: row["n"] for row in rows}


async def _selected(challenges: list[dict]) -> dict[UUID, list[str]]:
    """challenge id -> the public names of its selected teams, as the results page shows them."""
    call_ids = list({c["call"] for c in challenges})
    if not call_ids:
        return {}
    selected: dict[UUID, list[str]] = {}
    for call in await Call.select().where(Call.id.is_in(call_ids)):
        results = await public_results(call)
        by_key = {c["key"]: c["selected"] for c in results.get("challenges", [])}
        for challenge in challenges:
            if challenge["call"] == call["id"]:
                teams = by_key.get(challenge["key"], [])
                selected[challenge["id"]] = [team["organisation"] for team in teams]
    return selected


async def _progress(ids: list[UUID]) -> dict[UUID, list[dict]]:
    found: dict[UUID, list[dict]] = {}
    if not ids:
        return found
    for _domain, progress in each("challenge_progress"):
        for challenge_id, steps in (await progress(ids)).items():
            found.setdefault(challenge_id, []).extend(steps)
    return found


def _start(challenge: dict, linked_at: datetime | None) -> list[dict]:
    if challenge["status"] in CLOSED:
        label = N_("The city did not pursue the challenge from this problem")
        return [{"key": "challenge_closed", "label": label, "detail": "", "date": linked_at}]
    if not challenge["public"]:
        label = N_("The city is working on a challenge from this problem")
        return [{"key": "challenge", "label": label, "detail": "", "date": linked_at}]
    href = f"/calls/{challenge['slug']}/challenges/{challenge['key']}"
    return [
        {
            "key": "challenge",
            "label": N_("Challenge"),
            "detail": challenge["title"],
            "href": href,
            "date": linked_at,
        },
        {
            "key": "call",
            "label": N_("Call for proposals"),
            "detail": challenge["call_title"],
            "href": f"/calls/{challenge['slug']}",
            "date": challenge["published_at"] or challenge["opens_at"],
            "deadline": challenge["closes_at"],
        },
    ]


def _results(challenge: dict, count: int, selected: list[str], now: datetime) -> list[dict]:
    steps = []
    if now >= challenge["closes_at"]:
        steps.append(
            {
                "key": "proposals",
                "label": N_("Proposals received"),
                "detail": "",
                "count": count,
                "date": challenge["closes_at"],
            }
        )
    if challenge["results_published_at"] is not None:
        steps.append(
            {
                "key": "selected",
                "label": N_("Teams selected") if selected else N_("Results published"),
                "detail": ", ".join(selected),
                "href": f"/calls/{challenge['slug']}/results",
                "date": challenge["results_published_at"],
            }
        )
    return steps


async def _facts(linked: list[dict], now: datetime) -> dict:
    """Everything the linked problems' paths need, read once for all of them."""
    challenges = await _challenges(list({p["challenge"] for p in linked}))
    public = [c for c in challenges.values() if c["public"]]
    published = [c for c in public if c["results_published_at"] is not None]
    return {
        "challenges": challenges,
        "counts": await _proposals([c["id"] for c in public if now >= c["closes_at"]]),
        "selected": await _selected(published),
        "progress": await _progress([c["id"] for c in published]),
    }


def _steps_of(problem: dict, facts: dict, now: datetime) -> list[dict]:
    challenge = facts["challenges"].get(problem["challenge"])
    if challenge is None:
        return []
    steps = _start(challenge, problem.get("linked_at"))
    if challenge["public"]:
        key = challenge["id"]
        steps += _results(
            challenge, facts["counts"].get(key, 0), facts["selected"].get(key, []), now
        )
        steps += facts["progress"].get(key, [])
    return steps


async def paths_of(problems: list[dict], now: datetime | None = None) -> dict[UUID, list[dict]]:
    """{problem id: its steps, oldest first} for these problems (rows with ``id``,
    ``challenge`` and ``linked_at``); an unlinked problem has no steps."""
    now = now or clock.now()
    linked = [p for p in problems if p.get("challenge") is not None]
    paths: dict[UUID, list[dict]] = {p["id"]: [] for p in problems}
    if linked:
        facts = await _facts(linked, now)
        for problem in linked:
            paths[problem["id"]] = _steps_of(problem, facts, now)
    return paths
