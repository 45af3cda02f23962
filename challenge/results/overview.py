"""What the staff results pages show: the ranking page (one page of the ranking beside the mean
and normalised scores, jurors, charts, decisions, budget, rounds, certificates), the decision
form and the publishing summary."""

from __future__ import annotations

from uuid import UUID

from challenge.jury import rounds as jury_rounds
from challenge.platform.i18n import N_
from challenge.platform.jobs import service as jobs
from challenge.platform.money import format_amount
from challenge.platform.pagination import page_within
from challenge.platform.problems import not_found
from challenge.results import certificates, charts, decisions, selection
from challenge.results.policies import decisions_frozen
from challenge.results.scores import METHODS
from challenge.results.selection import DEVELOPMENT
from challenge.results.services import entry_titles, juror_names, rankings_of
from challenge.results.tables import OUTCOMES
from challenge.submissions.tables import Submission

PER_PAGE = 50


async def certificate_state(call: dict) -> dict:
    """The latest certificates job with its progress, the issued certificates and the awarded entries."""
    job = await jobs.latest("certificates", f"call:{call['id']}")
    issued = await certificates.certificates_of(call["id"])
    awarded = await certificates.awarded_entries(call["id"])
    return {
        "job": job,
        "issued": issued,
        "awarded": awarded,
        "percent": round(100 * job["done"] / job["total"]) if job and job["total"] else 0,
    }


def _juror_rows(chosen, normalized, jurors: list, names: dict) -> list[dict]:
    """Per juror of the ranking: name, reviews, leniency, mean and the five figures of the box
    plot (lowest, quartiles, highest) of the totals, whether raw scores only."""
    stats = {j.juror: j for j in jurors}
    rows = []
    for juror, leniency in chosen.leniency.items():
        mine = stats.get(juror)
        rows.append(
            {
                "name": names.get(juror, "?"),
                "reviews": mine.reviews if mine else 0,
                "leniency": leniency,
                "mean": round(mine.mean, 1) if mine else None,
                "low": mine.low if mine else None,
                "median": mine.median if mine else None,
                "high": mine.high if mine else None,
                "raw_only": juror in normalized.raw_only_jurors,
            }
        )
    return sorted(rows, key=lambda j: j["name"])


def _entry_rows(shown: list, results: dict, titles: dict, decided: dict) -> list[dict]:
    """The shown entries with their mean and normalised results, reference, title and decision."""
    by_mean = {e.entry: e for e in results["mean"].entries}
    by_norm = {e.entry: e for e in results["normalized"].entries}
    return [
        {
            "result": e,
            "mean": by_mean[e.entry],
            "normalized": by_norm[e.entry],
            "reference": titles[e.entry]["reference"],
            "title": titles[e.entry]["title"],
            "decision": decided.get(e.entry),
        }
        for e in shown
    ]


def _page_of(entries: list, page: int) -> tuple[list, int, int]:
    """One page of the entries, the page number (within range) and the page count."""
    page, pages = page_within(page, len(entries), PER_PAGE)
    return entries[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages


def _places(challenges: list[dict], decided: dict, titles_all: dict) -> list[dict]:
    """Per challenge: its places in the development phase and how many are taken."""
    taken: dict[str, int] = {}
    for entry, decision in decided.items():
        key = titles_all.get(entry, {}).get("challenge")
        if key and decision["outcome"] == DEVELOPMENT:
            taken[key] = taken.get(key, 0) + 1
    return [
        {
            "key": c["key"],
            "title": c["title"],
            "unit_name": c["unit_name"],
            "places": c["places"],
            "taken": taken.get(c["key"], 0),
            "released": c["ranking_released_at"],
        }
        for c in challenges
    ]


async def ranking_page(
    call: dict, *, number: int = 1, method: str = "mean", page: int = 1, challenge: str = ""
) -> dict:
    """Everything the staff ranking page shows for a round and a method (unknown methods: mean),
    for the whole call or one of its challenges (tabs; 404 for an unknown key)."""
    if method not in METHODS:
        method = "mean"
    challenges = await selection.challenges_of(call)
    chosen = await selection.challenge_of(call, challenge)
    # from the ranking cache: a page, or another page, recomputes nothing
    ranked = await rankings_of(
        call, number=number, methods=(method, "mean", "normalized"), challenge=chosen
    )
    results, round_ = ranked.results, ranked.round
    shown_ranking, normalized = results[method], results["normalized"]
    shown, page, pages = _page_of(shown_ranking.entries, page)
    titles = await entry_titles(
        call["id"], [e.entry for e in shown], chosen["id"] if chosen else None
    )
    names = await juror_names(j.juror for j in ranked.jurors)
    decided = {d["submission"]: d for d in await decisions.decisions_of(call["id"])}
    all_rounds = await jury_rounds.rounds_of(call["id"])
    total = len(shown_ranking.entries)
    places = (
        _places(challenges, decided, await entry_titles(call["id"], decided)) if challenges else []
    )
    return {
        "challenges": places,
        "challenge": chosen,
        "cutoff": chosen["places"] if chosen else call["awards_planned"],
        "round": round_,
        "number": number,
        "method": method,
        "methods": METHODS,
        "entries": _entry_rows(shown, results, titles, decided),
        "total": total,
        "page": page,
        "pages": pages,
        "alpha": shown_ranking.alpha,
        "per_criterion": shown_ranking.per_criterion,
        "criteria": round_["criteria"] or [],
        "jurors": _juror_rows(shown_ranking, normalized, ranked.jurors, names),
        "raw_only": [names.get(j, "?") for j in normalized.raw_only_jurors],
        "unstable": sum(1 for e in shown_ranking.entries if e.cutoff_unstable),
        "distribution": charts.juror_boxes(ranked.jurors, names),
        "intervals": charts.rank_intervals(
            shown, titles, chosen["places"] if chosen else call["awards_planned"], total
        ),
        "budget": await decisions.budget_of(call),
        "decided_count": len(decided),
        "later_rounds": [r for r in all_rounds if r["number"] > 1],
        "all_rounds": all_rounds,
        "certs": await certificate_state(call),
        "outcomes": OUTCOMES,
        "outcome_labels": decisions.OUTCOME_LABELS,
        "frozen": decisions_frozen(call),
    }


def _form_values(current: dict | None, locale: str) -> dict:
    """The decision form filled from the current decision (award formatted for the locale)."""
    if current is None:
        return {"outcome": "", "award": "", "rationale": ""}
    return {
        "outcome": current["outcome"],
        "award": format_amount(current["award_cents"], locale) if current["award_cents"] else "",
        "rationale": current["rationale"],
    }


async def decision_form(
    call: dict, submission_id: UUID, *, locale: str = "de", values: dict | None = None
) -> dict:
    """The entry to decide on (404 if not the call's), its current decision, the form's values and the budget."""
    entry = (
        await Submission.select(
            Submission.id, Submission.reference, Submission.title, Submission.status
        )
        .where((Submission.id == submission_id) & (Submission.call == call["id"]))
        .first()
    )
    if entry is None:
        raise not_found(N_("Proposal not found"))
    current = next(
        (d for d in await decisions.decisions_of(call["id"]) if d["submission"] == submission_id),
        None,
    )
    # the development phase only where the entry answers a challenge (see decisions._development)
    has_challenge = await selection.entry_challenge(submission_id) is not None
    return {
        "entry": entry,
        "current": current,
        "values": _form_values(current, locale) if values is None else values,
        "outcomes": [o for o in OUTCOMES if o != DEVELOPMENT or has_challenge],
        "outcome_labels": decisions.OUTCOME_LABELS,
        "budget": await decisions.budget_of(call),
        "frozen": decisions_frozen(call),
    }


async def publish_summary(call: dict) -> dict:
    """Before publishing: submitted entries, decisions taken, awarded decisions and the budget."""
    entries = await Submission.count().where(
        (Submission.call == call["id"]) & (Submission.status == "submitted")
    )
    decided = await decisions.decisions_of(call["id"])
    return {
        "entries": entries,
        "decided": len(decided),
        "awarded": [d for d in decided if d["outcome"] in decisions.AWARDED],
        "budget": await decisions.budget_of(call),
    }
