"""Data protection: a person's data as a ZIP (GDPR Art. 15 and 20) and erasure (Art. 17) that
removes or pseudonymises what is personal and keeps — and names — what must be retained.

Retained on purpose, with the reason printed in the erasure report:
- the audit log: an unbroken, hash-chained record of who did what is a legal duty of the
  administration. Its entries name people only by account id and by a reference to
  `audit_persons`, whose address erasure blanks; the hashes cover the references, so the
  chain still verifies and the entries then show "Gelöschte Person";
- submitted proposals, reviews and decisions of calls: the record of how public money was
  awarded (they stay linked to the now pseudonymous account);
- partnerships, their documents and payments: contracts and payment records are kept for 10
  years (German fiscal code, § 147 AO; municipal budget law).
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import secrets
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from piccolo.columns import Column
from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.tables import ApiToken, EmailToken, RoleGrant, Session, User
from challenge.platform.audit.service import erase_person, record
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.documents.tables import Document
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.security.tables import RateLimitCounter

ERASED_NAME = "Gelöschte Person"
RETAINED = {
    "audit_log": "legal duty to document administrative actions; the entries stay, naming the person only as "
                 "an erased reference, so the hash chain still verifies",
    "submitted proposals, reviews and decisions": "record of how public money was awarded",
    "partnerships, contract documents and payments": "contracts and payment records are kept for 10 years (§ 147 AO)",
}


class PrivacyError(Exception):
    pass


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k not in ("password_hash", "token_hash")}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID | datetime):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


async def _user(email: str) -> dict:
    row = await User.select().where(User.email == email.strip().lower()).first()
    if row is None:
        raise PrivacyError(f"no account with the address {email.strip()}")
    return row


async def _rows(table, column: Column, value) -> list[dict]:
    return await table.select().where(column == value)


async def export(storage, email: str) -> bytes:
    """Everything stored about a person, and the files they uploaded, as a ZIP."""
    from challenge.jury.tables import Conflict, Juror, Review
    from challenge.organisations.tables import Membership, Organisation
    from challenge.platform.extensions import extensions
    from challenge.submissions.tables import Submission, SubmissionVersion

    user = await _user(email)
    uid = user["id"]
    memberships = await Membership.select(Membership.role, Membership.created_at, Membership.organisation,
                                          Membership.organisation.name.as_alias("organisation_name")).where(
        Membership.user == uid)
    organisation_ids = [m["organisation"] for m in memberships]
    submissions = await Submission.select().output(load_json=True).where(
        (Submission.created_by == uid) | Submission.organisation.is_in(organisation_ids or [uuid.UUID(int=0)]))
    documents = await Document.select().where(Document.uploaded_by == uid)
    data = {
        "exported_at": clock.now().isoformat(),
        "account": user,
        "roles": await RoleGrant.select(RoleGrant.role, RoleGrant.created_at).where(RoleGrant.user == uid),
        "sessions": await Session.select(Session.created_at, Session.last_seen_at, Session.ip, Session.user_agent).where(
            Session.user == uid),
        "api_tokens": await ApiToken.select(ApiToken.name, ApiToken.prefix, ApiToken.created_at, ApiToken.expires_at,
                                            ApiToken.revoked_at).where(ApiToken.user == uid),
        "teams": memberships,
        "organisations": await Organisation.select().where(Organisation.id.is_in(organisation_ids)) if organisation_ids else [],
        "submissions": submissions,
        "submission_versions": await SubmissionVersion.select(SubmissionVersion.submission, SubmissionVersion.number,
                                                              SubmissionVersion.sha256, SubmissionVersion.created_at).where(
            SubmissionVersion.submission.is_in([s["id"] for s in submissions] or [uuid.UUID(int=0)])),
        "jury": {"calls": await _rows(Juror, Juror.user, uid), "conflicts": await _rows(Conflict, Conflict.juror, uid),
                 "reviews": await Review.select().output(load_json=True).where(Review.juror == uid)},
        "mails": await OutboxMail.select(OutboxMail.subject, OutboxMail.status, OutboxMail.created_at,
                                         OutboxMail.body_text).where(OutboxMail.to_address == user["email"]),
        "documents": [{k: d[k] for k in ("id", "filename", "content_type", "size", "sha256", "kind", "owner_type",
                                         "created_at")} for d in documents],
        "actions": await AuditEntry.select(AuditEntry.created_at, AuditEntry.action, AuditEntry.object_type,
                                           AuditEntry.object_id).where(AuditEntry.actor_id == uid).order_by(AuditEntry.id),
    }
    for extension in extensions():
        if extension.privacy_export is not None:
            data[extension.name] = await extension.privacy_export(uid)
    await record("privacy.exported", actor_label="privacy export", object_type="user", object_id=uid,
                 payload={"documents": len(documents)})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(_jsonable(data), ensure_ascii=False, indent=2))
        archive.writestr("README.txt", "Ihre bei der Smart City Challenge gespeicherten Daten (Art. 15 und 20 DSGVO).\n"
                                       "person.json: alle Angaben; files/: die Dateien, die Sie hochgeladen haben.\n")
        for document in documents:
            if document["status"] != "stored":
                continue
            chunks = [chunk async for chunk in storage.get_stream(document["storage_key"])]
            safe = re.sub(r"[^\w.\- ]", "_", document["filename"])[:120]
            archive.writestr(f"files/{document['id']}-{safe}", b"".join(chunks))
    return out.getvalue()


async def erase(storage, email: str, mail_dir: Path | None = None) -> dict:
    """Remove or pseudonymise a person's data; returns what was done and what was kept (and why).

    mail_dir: the mail spool folder (embedded default); its messages to or about the person go too.
    """
    from challenge.organisations.tables import Invitation, Membership
    from challenge.submissions.tables import Submission

    user = await _user(email)
    uid, address, name = user["id"], user["email"], user["name"]
    report = {"removed": {}, "pseudonymised": [], "retained": RETAINED}
    library = await Document.select(Document.id, Document.storage_key).where(
        (Document.owner_type == "user") & (Document.owner_id == str(uid)))
    async with db.write_transaction():
        teams = [m["organisation"] for m in await Membership.select(Membership.organisation).where(Membership.user == uid)]
        # drafts of teams the person is alone in go; a shared team's drafts are the others' work too
        sole = [t for t in teams if await Membership.count().where(Membership.organisation == t) == 1]
        draft_ids = [d["id"] for d in await Submission.select(Submission.id).where(
            (Submission.status == "draft") & Submission.organisation.is_in(sole or [uuid.UUID(int=0)]))]
        removed = report["removed"]
        removed["sessions"] = len(await Session.delete().where(Session.user == uid).returning(Session.id))
        removed["api_tokens"] = len(await ApiToken.delete().where(ApiToken.user == uid).returning(ApiToken.id))
        removed["mail_tokens"] = len(await EmailToken.delete().where(EmailToken.user == uid).returning(EmailToken.id))
        removed["role_grants"] = len(await RoleGrant.delete().where(RoleGrant.user == uid).returning(RoleGrant.id))
        removed["team_memberships"] = len(await Membership.delete().where(Membership.user == uid).returning(Membership.id))
        removed["invitations"] = len(await Invitation.delete().where(Invitation.email == address).returning(Invitation.id))
        removed["rate_limit_counters"] = len(await RateLimitCounter.delete().where(
            RateLimitCounter.key.like(f"%{address}%")).returning(RateLimitCounter.key))
        if draft_ids:
            await Submission.delete().where(Submission.id.is_in(draft_ids))
        removed["draft_proposals"] = len(draft_ids)
        mails = await OutboxMail.select(OutboxMail.id, OutboxMail.to_address, OutboxMail.body_text, OutboxMail.subject).where(
            (OutboxMail.to_address == address) | OutboxMail.body_text.like(f"%{address}%")
            | OutboxMail.body_text.like(f"%{name}%") | OutboxMail.subject.like(f"%{name}%"))
        await OutboxMail.delete().where(OutboxMail.id.is_in([m["id"] for m in mails] or [uuid.UUID(int=0)]))
        removed["mails"] = len(mails)
        removed["library_files"] = len(library)
        if library:
            await Document.delete().where(Document.id.is_in([d["id"] for d in library]))
        await Document.update({Document.uploaded_by: None}).where(Document.uploaded_by == uid)
        await Submission.update({Submission.created_by: None}).where(Submission.created_by == uid)
        pseudonym = f"geloescht-{secrets.token_hex(8)}@invalid.example"
        await User.update({User.email: pseudonym, User.name: ERASED_NAME, User.affiliation: "", User.password_hash: None,
                           User.is_active: False, User.email_verified_at: None}).where(User.id == uid)
        audit_people = await erase_person(uid, address)
        report["pseudonymised"] = ["account: name, address and affiliation replaced; login disabled; the account id "
                                   "stays so retained records keep their meaning",
                                   f"audit log: the address of {audit_people} person reference(s) blanked; the "
                                   "entries stay and still verify"]
        await record("privacy.erased", actor_label="privacy erase", object_type="user", object_id=uid,
                     payload={"removed": removed})
    for document in library:
        await storage.delete(document["storage_key"])
    if mail_dir is not None:
        removed["spooled_mails"] = _erase_spooled_mails(mail_dir, address, name)
    await _compact()
    return report


def _erase_spooled_mails(mail_dir: Path, address: str, name: str) -> int:
    """Delete the spool's .eml files addressed to or mentioning the person."""
    if not mail_dir.is_dir():
        return 0
    removed = 0
    for path in mail_dir.glob("*.eml"):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        texts = [raw.decode("utf-8", "replace"), str(message.get("To", "")), str(message.get("Subject", ""))]
        texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        text = "\n".join(texts)
        if address.lower() in text.lower() or (name and name in text):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


async def _compact() -> None:
    """A SQLite built without SECURE_DELETE (Debian's has it) keeps deleted and overwritten values
    in free pages, and `challenge backup` copies pages: rebuild the file there, so the erased
    values are gone from the disk and from every backup taken afterwards."""
    engine = db.current_engine()
    if isinstance(engine, SQLiteEngine):
        secure = await engine.run_ddl("PRAGMA secure_delete")
        if not secure or not list(secure[0].values())[0]:
            await engine.run_ddl("VACUUM")


async def delete_stale_drafts(settings, now: datetime | None = None) -> int:
    """Drafts of calls that closed more than CHALLENGE_DRAFT_RETENTION_MONTHS ago are deleted."""
    from challenge.calls.tables import Call
    from challenge.submissions.tables import Submission

    cutoff = (now or clock.now()) - timedelta(days=30 * settings.draft_retention_months)
    calls = [c["id"] for c in await Call.select(Call.id).where(Call.closes_at < cutoff)]
    if not calls:
        return 0
    async with db.write_transaction():
        deleted = await Submission.delete().where(
            (Submission.status == "draft") & Submission.call.is_in(calls)).returning(Submission.id)
        if deleted:
            await record("privacy.drafts_deleted", actor_label="housekeeping", object_type="submission",
                         payload={"count": len(deleted), "closed_before": cutoff.isoformat()})
    return len(deleted)
