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
from datetime import datetime
from pathlib import Path

import msgspec
from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import two_factor
from challenge.platform.accounts.tables import (
    ApiToken,
    EmailToken,
    OidcIdentity,
    RoleGrant,
    Session,
    User,
)
from challenge.platform.audit.service import erase_person, record
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.documents.tables import Document
from challenge.platform.domains import each, installed
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
        return {
            k: _jsonable(v) for k, v in value.items() if k not in ("password_hash", "token_hash")
        }
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


async def _platform_part(user: dict) -> dict:
    """The account and what the platform keeps of its use."""
    uid = user["id"]
    return {
        "account": user,
        "roles": await RoleGrant.select(RoleGrant.role, RoleGrant.created_at).where(
            RoleGrant.user == uid
        ),
        "sessions": await Session.select(
            Session.created_at, Session.last_seen_at, Session.ip, Session.user_agent
        ).where(Session.user == uid),
        "api_tokens": await ApiToken.select(
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.revoked_at,
        ).where(ApiToken.user == uid),
        # the accounts at the city's OpenID provider that sign in to this one
        "single_sign_on": await OidcIdentity.select(
            OidcIdentity.issuer,
            OidcIdentity.subject,
            OidcIdentity.created_at,
            OidcIdentity.last_login_at,
        ).where(OidcIdentity.user == uid),
        # whether two-factor login is on and how many recovery codes are left (never the secret)
        "two_factor": await two_factor.status(uid),
    }


async def _traces(user: dict, documents: list[dict]) -> dict:
    """Mails to the person, the files they uploaded and what they did."""
    return {
        "mails": await OutboxMail.select(
            OutboxMail.subject, OutboxMail.status, OutboxMail.created_at, OutboxMail.body_text
        ).where(OutboxMail.to_address == user["email"]),
        "documents": [
            {
                k: d[k]
                for k in (
                    "id",
                    "filename",
                    "content_type",
                    "size",
                    "sha256",
                    "kind",
                    "owner_type",
                    "created_at",
                )
            }
            for d in documents
        ],
        "actions": await AuditEntry.select(
            AuditEntry.created_at, AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id
        )
        .where(AuditEntry.actor_id == user["id"])
        .order_by(AuditEntry.id),
    }


async def person_data(user: dict, documents: list[dict]) -> dict:
    """person.json: the platform's part, the domains' entries (through their export hooks), the
    traces, then the sections of the domains that keep theirs apart (extensions)."""
    data = {"exported_at": clock.now().isoformat(), **await _platform_part(user)}
    hooks = list(each("privacy_export"))
    for domain, hook in hooks:
        if domain.privacy_inline:
            data.update(await hook(user["id"]))
    data.update(await _traces(user, documents))
    for domain, hook in hooks:
        if not domain.privacy_inline:
            data[domain.name] = await hook(user["id"])
    return data


async def export(storage, email: str) -> bytes:
    """Everything stored about a person, and the files they uploaded, as a ZIP."""
    user = await _user(email)
    documents = await Document.select().where(Document.uploaded_by == user["id"])
    data = await person_data(user, documents)
    await record(
        "privacy.exported",
        actor_label="privacy export",
        object_type="user",
        object_id=user["id"],
        payload={"documents": len(documents)},
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(_jsonable(data), ensure_ascii=False, indent=2))
        archive.writestr(
            "README.txt",
            "Ihre bei der Smart City Challenge gespeicherten Daten (Art. 15 und 20 DSGVO).\n"
            "person.json: alle Angaben; files/: die Dateien, die Sie hochgeladen haben.\n",
        )
        for document in documents:
            if document["status"] != "stored":
                continue
            chunks = [chunk async for chunk in storage.get_stream(document["storage_key"])]
            safe = re.sub(r"[^\w.\- ]", "_", document["filename"])[:120]
            archive.writestr(f"files/{document['id']}-{safe}", b"".join(chunks))
    return out.getvalue()


async def _erase_account(uid) -> dict:
    return {
        "sessions": len(await Session.delete().where(Session.user == uid).returning(Session.id)),
        "api_tokens": len(
            await ApiToken.delete().where(ApiToken.user == uid).returning(ApiToken.id)
        ),
        "mail_tokens": len(
            await EmailToken.delete().where(EmailToken.user == uid).returning(EmailToken.id)
        ),
        "role_grants": len(
            await RoleGrant.delete().where(RoleGrant.user == uid).returning(RoleGrant.id)
        ),
        "single_sign_on_links": len(
            await OidcIdentity.delete().where(OidcIdentity.user == uid).returning(OidcIdentity.id)
        ),
        **await two_factor.forget(uid),  # the TOTP secret and the recovery codes
    }


async def _erase_domains(uid, address: str) -> dict:
    """Each domain's erase hook, later stages first (they may still ask earlier ones, e.g. for the
    person's teams); the report lists them in stage order."""
    done = {
        domain.name: await hook(uid, address)
        for domain, hook in reversed(list(each("privacy_erase")))
    }
    return {kind: n for domain in installed() for kind, n in done.get(domain.name, {}).items()}


def _mails_naming(address: str, name: str):
    """The outbox rows that carry the person: mails to them, mails whose stored values hold their
    address or exactly their name (a whole JSON string), and sent mails whose text mentions
    either. Searched text is matched literally (``%``/``_`` escaped). A pending mail to someone
    else is not removed for a name that merely occurs inside its text: a short name ("Li") would
    take other people's password resets with it."""
    value = msgspec.json.encode(name).decode()  # "Li" with its quotes: the whole value
    sent = OutboxMail.status == "sent"
    return (
        (OutboxMail.to_address == address)
        | db.contains_text(OutboxMail.context, address)
        | db.contains_text(OutboxMail.context, value)
        | (sent & db.contains_text(OutboxMail.body_text, address))
        | (sent & db.contains_text(OutboxMail.body_text, name))
        | (sent & db.contains_text(OutboxMail.subject, name))
    )


async def _erase_traces(user: dict, library: list[dict]) -> dict:
    uid, address, name = user["id"], user["email"], user["name"]
    removed = {
        "rate_limit_counters": len(
            await RateLimitCounter.delete()
            .where(RateLimitCounter.key.like(f"%{address}%"))
            .returning(RateLimitCounter.key)
        )
    }
    mails = await OutboxMail.select(OutboxMail.id).where(_mails_naming(address, name))
    await OutboxMail.delete().where(
        OutboxMail.id.is_in([m["id"] for m in mails] or [uuid.UUID(int=0)])
    )
    removed["mails"] = len(mails)
    removed["library_files"] = len(library)
    if library:
        await Document.delete().where(Document.id.is_in([d["id"] for d in library]))
    await Document.update({Document.uploaded_by: None}).where(Document.uploaded_by == uid)
    return removed


async def _pseudonymise(user: dict) -> list[str]:
    pseudonym = f"geloescht-{secrets.token_hex(8)}@invalid.example"
    await User.update(
        {
            User.email: pseudonym,
            User.name: ERASED_NAME,
            User.affiliation: "",
            User.password_hash: None,
            User.is_active: False,
            User.email_verified_at: None,
        }
    ).where(User.id == user["id"])
    audit_people = await erase_person(user["id"], user["email"])
    return [
        "account: name, address and affiliation replaced; login disabled; the account id "
        "stays so retained records keep their meaning",
        f"audit log: the address of {audit_people} person reference(s) blanked; the "
        "entries stay and still verify",
    ]


async def erase(storage, email: str, mail_dir: Path | None = None) -> dict:
    """Remove or pseudonymise a person's data; returns what was done and what was kept (and why).

    mail_dir: the mail spool folder (embedded default); its messages to or about the person go too.
    """
    user = await _user(email)
    uid = user["id"]
    library = await Document.select(Document.id, Document.storage_key).where(
        (Document.owner_type == "user") & (Document.owner_id == str(uid))
    )
    async with db.write_transaction():
        removed = await _erase_account(uid)
        removed.update(await _erase_domains(uid, user["email"]))
        removed.update(await _erase_traces(user, library))
        report = {
            "removed": removed,
            "pseudonymised": await _pseudonymise(user),
            "retained": RETAINED,
        }
        await record(
            "privacy.erased",
            actor_label="privacy erase",
            object_type="user",
            object_id=uid,
            payload={"removed": removed},
        )
    for document in library:
        await storage.delete(document["storage_key"])
    if mail_dir is not None:
        removed["spooled_mails"] = _erase_spooled_mails(mail_dir, user["email"], user["name"])
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
        texts = [
            raw.decode("utf-8", "replace"),
            str(message.get("To", "")),
            str(message.get("Subject", "")),
        ]
        texts += [
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
        ]
        text = "\n".join(texts)
        if address.lower() in text.lower() or (name and name in text):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


async def _compact() -> None:
    """A SQLite built without SECURE_DELETE (Debian's has it) keeps deleted and overwritten values
    in free pages, and `challenge backup` copies pages: rebuild the file there, so the erased
    values are gone from the disk and from every backup taken afterwards. Then the WAL is
    checkpointed and truncated: the portal keeps connections open, so SQLite never deletes the
    WAL itself, and its old frames would still hold the erased values."""
    engine = db.current_engine()
    if isinstance(engine, SQLiteEngine):
        secure = await engine.run_ddl("PRAGMA secure_delete")
        if not secure or not list(secure[0].values())[0]:
            await engine.run_ddl("VACUUM")
        await engine.run_ddl("PRAGMA wal_checkpoint(TRUNCATE)")


async def apply_retention(settings, now: datetime | None = None) -> int:
    """The domains' retention rules (e.g. drafts of long-closed calls); returns rows deleted."""
    now = now or clock.now()
    return sum(
        [await rule(settings, now) for _domain, rules in each("retention") for rule in rules]
    )
