"""Publishing a call's results (DESIGN §4): every applicant is mailed the outcome, then the
winners show publicly; what the public and each team see afterwards."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.jury.tables import Review
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock, domains
from challenge.platform.accounts import stepup
from challenge.platform.audit.service import record
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import Problem, not_found
from challenge.results.decisions import AWARDED, decisions_of, lock_call
from challenge.results.selection import DEVELOPMENT, challenges_of
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission


async def shareable_comments(submission_ids: list[UUID]) -> dict[UUID, list[str]]:
    """Final review comments jurors marked shareable, by entry — never who wrote them."""
    if not submission_ids:
        return {}
    rows = (
        await Review.select(Review.submission, Review.comment)
        .where(
            (Review.submission.is_in(submission_ids))
            & (Review.status == "final")
            & (Review.shareable == True)  # noqa: E712
        )
        .order_by(Review.finalized_at)
    )
    comments: dict[UUID, list[str]] = {}
    for row in rows:
        if row["comment"].strip():
            comments.setdefault(row["submission"], []).append(row["comment"].strip())
    return comments


def _check_publishable(entries: list[dict], decided: dict) -> None:
    """Publishing needs submitted entries, every one of them decided."""
    if not entries:
        raise Problem(422, "no_entries", N_("This call has no submitted entries."))
    missing = [e["reference"] for e in entries if e["id"] not in decided]
    if missing:
        raise Problem(
            422,
            "decisions_missing",
            N_("Some entries have no decision yet."),
            extra={"entries": sorted(r or "" for r in missing)},
        )


async def _team_members(entries: list[dict]) -> list[dict]:
    """Each entry team's members with their address and language."""
    return await Membership.select(
        Membership.organisation,
        Membership.user.email.as_alias("email"),
        Membership.user.locale.as_alias("locale"),
    ).where(Membership.organisation.is_in(list({e["organisation"] for e in entries})))


async def _team_names(entries: list[dict]) -> dict[UUID, str]:
    return {
        o["id"]: o["name"]
        for o in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in(list({e["organisation"] for e in entries}))
        )
    }


async def _mail_outcome(
    call: dict, entry: dict, decision: dict, members: list[dict], comments: list[str], base_url: str
) -> int:
    """Queue the outcome mail to every member of the entry's team; returns how many."""
    sent = 0
    for member in (m for m in members if m["organisation"] == entry["organisation"]):
        await enqueue(
            member["email"],
            "results_outcome",
            locale=member["locale"],
            context={
                "base_url": base_url,
                "call": call["title"],
                "title": entry["title"],
                "reference": entry["reference"],
                "outcome": decision["outcome"],
                "award_cents": decision["award_cents"],
                "challenge": entry.get("challenge_title") or "",
                "comments": comments,
                "link": f"{base_url}/calls/{call['slug']}/results",
            },
            scope=str(call["id"]),
        )
        sent += 1
    return sent


async def publish_results(actor, call: dict, *, base_url: str) -> dict:
    """Mail every applicant their outcome in their language, then show the winners publicly."""
    await stepup.require_recent_sign_in(actor)
    entries = await Submission.select(
        Submission.id,
        Submission.title,
        Submission.reference,
        Submission.organisation,
        Submission.challenge.title.as_alias("challenge_title"),
    ).where((Submission.call == call["id"]) & (Submission.status == "submitted"))
    decided = {d["submission"]: d for d in await decisions_of(call["id"])}
    _check_publishable(entries, decided)
    comments = await shareable_comments([e["id"] for e in entries])
    members = await _team_members(entries)
    sent = 0
    async with db.write_transaction():
        locked = await lock_call(call["id"])
        if locked["results_published_at"] is not None:
            raise Problem(409, "results_published", N_("The results are published already."))
        now = clock.now()
        await Call.update({Call.results_published_at: now, Call.status: "results_published"}).where(
            Call.id == call["id"]
        )
        for _domain, hook in domains.each("results_published"):
            await hook(actor, {**call, "results_published_at": now})
        names = await _team_names(entries)
        for entry in entries:
            # the name as published: a later rename of the team leaves the published results alone
            await Decision.update({Decision.published_name: names[entry["organisation"]]}).where(
                Decision.submission == entry["id"]
            )
            sent += await _mail_outcome(
                call, entry, decided[entry["id"]], members, comments.get(entry["id"], []), base_url
            )
        await record(
            "results.published",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"entries": len(entries), "mails": sent},
        )
    return {"published_at": now, "entries": len(entries), "mails": sent}


ANONYMOUS_TEAM = N_("Anonymous student team")
ANONYMOUS_TEAM_DE = "Anonymes studentisches Team"  # in open data, whose language is German


def is_anonymous(organisation: dict, consent: bool) -> bool:
    """A student team without a legal form appears by name only with its consent."""
    return organisation["kind"] == "student_team" and not consent


def public_name(organisation: dict, consent: bool) -> str:
    """The team's name as open data shows it (German, anonymous without consent)."""
    return ANONYMOUS_TEAM_DE if is_anonymous(organisation, consent) else organisation["name"]


async def public_results(call: dict) -> dict:
    """What the public sees once results are published: winners, runners-up, awards and the
    summaries their teams consented to publish; on a call with challenges also, per challenge,
    the teams selected for the development phase. No personal data."""
    if call.get("results_published_at") is None:
        raise not_found(N_("No results published for this call yet"))
    challenges = await challenges_of(call)
    shown = (*AWARDED, DEVELOPMENT) if challenges else AWARDED
    rows = await Decision.select(
        Decision.outcome,
        Decision.award_cents,
        Decision.published_name,
        Decision.submission.id.as_alias("id"),
        Decision.submission.title.as_alias("title"),
        Decision.submission.summary.as_alias("summary"),
        Decision.submission.consent_publication.as_alias("consent"),
        Decision.submission.organisation.as_alias("organisation"),
        Decision.submission.challenge.key.as_alias("challenge"),
    ).where((Decision.call == call["id"]) & Decision.outcome.is_in(list(shown)))
    organisations = {
        o["id"]: o
        for o in await Organisation.select(
            Organisation.id, Organisation.name, Organisation.kind
        ).where(Organisation.id.is_in([r["organisation"] for r in rows] or [UUID(int=0)]))
    }
    listed = [
        _published(row, organisations[row["organisation"]], challenges)
        for row in sorted(
            rows, key=lambda r: (shown.index(r["outcome"]), -r["award_cents"], r["title"])
        )
    ]
    awarded = [a for a in listed if a["outcome"] in AWARDED]
    entries = await Submission.count().where(
        (Submission.call == call["id"]) & (Submission.status == "submitted")
    )
    result = {
        "call": call["slug"],
        "title": call["title"],
        "published_at": call["results_published_at"],
        "entries": entries,
        "awarded_cents": sum(a["award_cents"] for a in awarded),
        "budget_cents": call["budget_cents"],
        "awards": awarded,
    }
    if challenges:
        result["challenges"] = [
            {
                "key": c["key"],
                "title": c["title"],
                "unit": c["unit_name"],
                "places": c["places"],
                "selected": [a for a in listed if a["challenge"] == c["key"]],
            }
            for c in challenges
        ]
    return result


def _published(row: dict, organisation: dict, challenges: list) -> dict:
    """One decided entry as the public results show it."""
    published = {
        "submission_id": row["id"],
        "outcome": row["outcome"],
        "title": row["title"],
        # as published (snapshot at publication); the consent rule stays live
        "organisation": public_name(
            {**organisation, **({"name": row["published_name"]} if row["published_name"] else {})},
            row["consent"],
        ),
        "anonymous": is_anonymous(organisation, row["consent"]),
        "award_cents": row["award_cents"],
        "summary": row["summary"] if row["consent"] else "",
    }
    if challenges:  # calls without challenges keep their answer as before
        published["challenge"] = row["challenge"]
    return published


async def outcome_for(call: dict, submission_id: UUID) -> dict | None:
    """What the team sees on its proposal once the results are published."""
    if call.get("results_published_at") is None:
        return None
    decision = (
        await Decision.select(Decision.outcome, Decision.award_cents)
        .where(Decision.submission == submission_id)
        .first()
    )
    if decision is None:
        return None
    certificates = (
        await Document.select(Document.id, Document.filename)
        .where(
            (Document.owner_type == "award")
            & (Document.owner_id == str(submission_id))
            & (Document.kind == "certificate")
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    )
    latest = {d["filename"]: d for d in certificates}  # the newest per file name
    return {
        **decision,
        "comments": (await shareable_comments([submission_id])).get(submission_id, []),
        "certificates": list(latest.values()),
    }
