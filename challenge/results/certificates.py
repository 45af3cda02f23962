"""Certificates (German and English) for every awarded entry, as a background job rendered in a
small process pool so the web process stays responsive; award letters on demand."""

from __future__ import annotations

import asyncio
import os
from uuid import UUID

from challenge.calls.tables import Call
from challenge.organisations.policies import is_member
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import LOCALES, N_, format_money, gettext
from challenge.platform.pdf.codes import new_verification_code
from challenge.platform.pdf.issue import issue_pdf, store_issued
from challenge.platform.pdf.pool import process_pool
from challenge.platform.problems import Problem, not_found
from challenge.platform.storage import storage_from_settings
from challenge.results.decisions import AWARDED, OUTCOME_LABELS
from challenge.results.tables import Decision
from challenge.settings import Settings

OWNER_TYPE = (
    "award"  # documents about an entry's award: its team and staff read them, jurors do not
)
FILE_STEM = {"de": "Urkunde", "en": "Certificate"}


async def award_reader(user, document: dict) -> bool:
    """Award documents (certificates, letters): staff and the entry's team (see ``results.domain``)."""
    if is_staff(user):
        return True
    from challenge.submissions.tables import Submission

    row = (
        await Submission.select(Submission.organisation)
        .where(Submission.id == document["owner_id"])
        .first()
    )
    return row is not None and await is_member(user, row["organisation"])


def _render(template: str, locale: str, context: dict) -> bytes:
    """Runs in a pool process: WeasyPrint there, not on the web process's event loop."""
    from challenge.platform.pdf.render import render_pdf

    return render_pdf(template, locale=locale, **context)


def pool_size() -> int:
    return max(1, min(2, os.cpu_count() or 1))


# who gets a certificate: the awarded entries and the teams selected for the development phase
CERTIFIED = (*AWARDED, "development")


async def awarded_entries(call_id: UUID) -> list[dict]:
    rows = (
        await Decision.select(
            Decision.submission.as_alias("id"),
            Decision.outcome,
            Decision.award_cents,
            Decision.rationale,
            Decision.updated_at,
            Decision.submission.title.as_alias("title"),
            Decision.submission.reference.as_alias("reference"),
            Decision.submission.organisation.as_alias("organisation"),
        )
        .where((Decision.call == call_id) & Decision.outcome.is_in(list(CERTIFIED)))
        .order_by(Decision.submission.reference)
    )
    names = {
        o["id"]: o["name"]
        for o in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in([r["organisation"] for r in rows] or [UUID(int=0)])
        )
    }
    for row in rows:
        row["organisation_name"] = names.get(row["organisation"], "")
    return rows


async def certificates_of(call_id: UUID) -> dict[UUID, list[dict]]:
    """Current certificates by entry (issued after the entry's latest decision)."""
    entries = {e["id"]: e for e in await awarded_entries(call_id)}
    if not entries:
        return {}
    docs = (
        await Document.select(
            Document.id, Document.owner_id, Document.filename, Document.created_at
        )
        .where(
            (Document.owner_type == OWNER_TYPE)
            & (Document.kind == "certificate")
            & (Document.status == "stored")
            & Document.owner_id.is_in([str(i) for i in entries])
        )
        .order_by(Document.created_at)
    )
    found: dict[UUID, dict[str, dict]] = {}
    for doc in docs:
        entry = entries[UUID(doc["owner_id"])]
        if doc["created_at"] >= entry["updated_at"]:
            locale = doc["filename"].rsplit("-", 1)[-1].removesuffix(".pdf")
            found.setdefault(entry["id"], {})[locale] = doc
    return {
        entry_id: [by_locale[loc] for loc in LOCALES if loc in by_locale]
        for entry_id, by_locale in found.items()
    }


def _context(call: dict, entry: dict, locale: str) -> dict:
    return {
        "organisation": entry["organisation_name"],
        "entry_title": entry["title"],
        "reference": entry["reference"],
        "outcome": entry["outcome"],
        "outcome_label": gettext(OUTCOME_LABELS[entry["outcome"]], locale),
        "award": format_money(entry["award_cents"], locale) if entry["award_cents"] else "",
        "rationale": entry["rationale"],
        "call_title": call["title"],
        "published_at": call["results_published_at"] or clock.now(),
    }


async def run_certificates_job(settings: Settings, job: dict, progress) -> None:
    """Issue the missing certificates of a call; entries done before (e.g. by a worker that
    died mid-job) are skipped, so a job that runs again continues where it stopped."""
    call = await Call.select().where(Call.id == UUID(job["payload"]["call"])).first()
    if call is None:
        return
    entries = await awarded_entries(call["id"])
    existing = await certificates_of(call["id"])
    todo = [
        (entry, locale)
        for entry in entries
        for locale in LOCALES
        if locale
        not in {
            d["filename"].rsplit("-", 1)[-1].removesuffix(".pdf")
            for d in existing.get(entry["id"], [])
        }
    ]
    done = len(entries) * len(LOCALES) - len(todo)
    await progress(done, len(entries) * len(LOCALES))
    if not todo:
        return
    storage = storage_from_settings(settings)
    verify_url = f"{settings.base_url}/verify"
    loop = asyncio.get_running_loop()
    # spawn-started, and its processes die with this one (challenge/platform/pdf/pool.py)
    with process_pool(pool_size()) as pool:
        pending = []
        for entry, locale in todo:
            code, issued_at = new_verification_code(), clock.now()
            title = f"{gettext(N_('Certificate'), locale)} {entry['reference']}"
            context = {
                **_context(call, entry, locale),
                "verification_code": code,
                "issued_at": issued_at,
                "title": title,
                "verify_url": verify_url,
                "description": title,
            }
            future = loop.run_in_executor(pool, _render, "certificate.html", locale, context)
            pending.append((future, entry, locale, code, issued_at, title))
        for future, entry, locale, code, issued_at, title in pending:
            pdf = await future
            await store_issued(
                storage,
                pdf,
                code=code,
                issued_at=issued_at,
                title=title,
                filename=f"{FILE_STEM[locale]}-{entry['reference']}-{locale}.pdf",
                kind="certificate",
                owner_type=OWNER_TYPE,
                owner_id=str(entry["id"]),
            )
            done += 1
            await progress(done)


async def award_letter(
    storage, call: dict, submission_id: UUID, *, locale: str, base_url: str, actor=None
) -> dict:
    """The award letter of an awarded entry in a language, issued once per decision."""
    entry = next((e for e in await awarded_entries(call["id"]) if e["id"] == submission_id), None)
    if entry is None:
        raise not_found(N_("This entry has no award."))
    if call["results_published_at"] is None:
        raise Problem(
            409,
            "results_not_published",
            N_("Award letters are issued once the results are published."),
        )
    filename = f"{'Zuwendungsbescheid' if locale == 'de' else 'Award-letter'}-{entry['reference']}-{locale}.pdf"
    existing = (
        await Document.select()
        .where(
            (Document.owner_type == OWNER_TYPE)
            & (Document.owner_id == str(submission_id))
            & (Document.kind == "award_letter")
            & (Document.filename == filename)
            & (Document.status == "stored")
            & (Document.created_at >= entry["updated_at"])
        )
        .first()
    )
    if existing:
        return existing
    title = f"{gettext(N_('Award letter'), locale)} {entry['reference']}"
    return await issue_pdf(
        storage,
        template="award_letter.html",
        context={
            **_context(call, entry, locale),
            "verify_url": f"{base_url}/verify",
            "description": title,
        },
        locale=locale,
        title=title,
        filename=filename,
        kind="award_letter",
        owner_type=OWNER_TYPE,
        owner_id=str(submission_id),
        actor=actor,
    )


async def member_locale(organisation_id: UUID) -> str:
    row = (
        await Membership.select(Membership.user.locale.as_alias("locale"))
        .where((Membership.organisation == organisation_id) & (Membership.role == "owner"))
        .first()
    )
    return (row or {}).get("locale") or "de"
