"""Erasure reaches the audit log (GDPR Art. 17): after `challenge privacy erase` a person's address
and name are in no table (the audit log included), in no spooled mail and in no backup taken
afterwards, while `challenge audit verify` still passes. The log names people by reference; admins
see the name until erasure and "Gelöschte Person" after it. Entries written before references
existed are rewritten by the migration, which reseals the chain only if it verified."""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

from challenge import db
from challenge.platform.audit.service import ERASED_PERSON, list_entries, verify
from challenge.platform.audit.tables import AuditEntry
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import ENGINE, http_client
from tests.support.factories import make_team
from tests.support.files import multipart, pdf
from tests.support.web import (
    PASSWORD,
    api,
    csrf,
    link_in,
    login,
    make_user,
    spooled_mails,
    unique_email,
)


def _file_bytes(path: str) -> bytes:
    """A live database file's bytes, read by another process: closing a descriptor of the file in
    this process, which holds open SQLite connections, would drop their POSIX locks and corrupt
    the database (sqlite.org/howtocorrupt.html, 2.2)."""
    code = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    return subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, check=True
    ).stdout


def cli(settings, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(settings.data_dir),
        CHALLENGE_DATABASE_URL=settings.database_url,
        CHALLENGE_BASE_URL="http://portal.test",
        CHALLENGE_LOG_LEVEL="warning",
    )
    return subprocess.run(
        [sys.executable, "-m", "challenge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


async def person_who_acts(app, settings, deliver_mail) -> dict:
    """Registers, confirms, fails a login, logs in, founds a team, invites, submits a proposal,
    is given a role, is invited by another team and asks for a new password."""
    marker = uuid.uuid4().hex[:8]
    address, name = f"lotta-{marker}@example.org", f"Lotta Löschmich{marker}"
    client = http_client(app)
    async with client:
        registered = await api(
            client,
            "POST",
            "/api/v1/auth/register",
            {"email": address, "password": PASSWORD, "name": name, "locale": "de"},
        )
        assert registered.status_code == 201, registered.text
        await deliver_mail()
        token = link_in(spooled_mails(settings.mail_dir, to=address)[-1], "/account/verify").split(
            "token="
        )[1]
        assert (
            await api(client, "POST", "/api/v1/auth/verify", {"token": token})
        ).status_code == 200
        failed = await api(
            client, "POST", "/api/v1/auth/login", {"email": address, "password": "falsch-falsch-42"}
        )
        assert failed.status_code == 401
        await login(client, address)
        team = await api(
            client,
            "POST",
            "/api/v1/organisations",
            {"name": f"Löschteam {marker}", "kind": "startup"},
        )
        assert team.status_code == 201, team.text
        invited = await api(
            client,
            "POST",
            f"/api/v1/organisations/{team.json()['id']}/invitations",
            {"email": unique_email("colleague")},
        )
        assert invited.status_code == 201, invited.text
        call = await open_call()
        created = await api(
            client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": team.json()["id"], **COMPLETE, "title": f"Vorschlag {marker}"},
        )
        assert created.status_code == 201, created.text
        body, content_type = multipart("konzept.pdf", pdf("Konzept"))
        await client.post(
            f"/api/v1/submissions/{created.json()['id']}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
        )
        submitted = await api(
            client, "POST", f"/api/v1/submissions/{created.json()['id']}/submit", {}
        )
        assert submitted.status_code == 200, submitted.text
        user_id = (await client.get("/api/v1/me")).json()["id"]
    admin = await make_user(roles=("admin",))
    other_owner = await make_user()
    other_team = await make_team(other_owner["id"], name=f"Andere {marker}")
    async with http_client(app) as client:
        await login(client, admin["email"])
        granted = await api(
            client, "POST", f"/api/v1/admin/users/{user_id}/roles", {"role": "staff"}
        )
        assert granted.status_code == 200, granted.text
    async with http_client(app) as client:
        await login(client, other_owner["email"])
        invited = await api(
            client,
            "POST",
            f"/api/v1/organisations/{other_team['id']}/invitations",
            {"email": address},
        )
        assert invited.status_code == 201, invited.text
        reset = await api(client, "POST", "/api/v1/auth/password-reset", {"email": address})
        assert reset.status_code == 202, reset.text
    await deliver_mail()
    return {"id": user_id, "email": address, "name": name}


async def traces_in_database(person: dict) -> list[str]:
    """Every table whose stored text (any column) holds the person's address or name."""
    found = []
    for table in db.all_tables():
        rows = await table.raw(f'SELECT * FROM "{table._meta.tablename}"')
        text = json.dumps(rows, default=str, ensure_ascii=False).lower()
        if person["email"].lower() in text or person["name"].lower() in text:
            found.append(table._meta.tablename)
    return found


def traces_in_files(folder, person: dict) -> list[str]:
    needles = [
        person["email"].encode(),
        person["name"].encode(),
        person["name"].encode("utf-16-le"),
    ]
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


async def test_erasure_leaves_no_trace_in_any_table_mail_or_new_backup_and_the_chain_verifies(
    app, settings, deliver_mail, tmp_path
):
    person = await person_who_acts(app, settings, deliver_mail)
    assert {"audit_log", "audit_persons", "users"} <= set(await traces_in_database(person))
    erased = cli(settings, "privacy", "erase", "--email", person["email"], "--yes")
    assert erased.returncode == 0, erased.stderr
    assert await traces_in_database(person) == []
    assert traces_in_files(settings.mail_dir, person) == []
    assert (await verify()).ok
    verified = cli(settings, "audit", "verify")
    assert verified.returncode == 0 and "audit log intact" in verified.stdout, (
        verified.stdout + verified.stderr
    )
    if (
        ENGINE == "sqlite"
    ):  # `challenge backup` covers the embedded database; PostgreSQL uses pg_dump
        database = settings.database_url.removeprefix("sqlite:///")
        live = [p for p in (database, f"{database}-wal") if os.path.exists(p)]
        assert [
            p
            for p in live
            if person["email"].encode() in _file_bytes(p)
            or person["name"].encode() in _file_bytes(p)
        ] == []  # free pages and the WAL too
        backed_up = cli(settings, "backup", "--to", str(tmp_path / "backup"))
        assert backed_up.returncode == 0, backed_up.stderr
        assert traces_in_files(tmp_path / "backup", person) == []


async def test_the_audit_log_shows_the_name_until_erasure_and_then_an_erased_person(
    app, settings, deliver_mail
):
    person = await person_who_acts(app, settings, deliver_mail)
    own, _ = await list_entries(actor_id=person["id"], action="auth.login")
    assert (
        own and person["name"] in own[0]["actor_label"] and person["email"] in own[0]["actor_label"]
    )
    granted, _ = await list_entries(action="role.granted", object_id=person["id"])
    assert person["name"] in json.dumps(granted[0]["payload"], ensure_ascii=False)
    cli(settings, "privacy", "erase", "--email", person["email"], "--yes")
    own, _ = await list_entries(actor_id=person["id"], action="auth.login")
    assert own[0]["actor_label"] == ERASED_PERSON
    granted, _ = await list_entries(action="role.granted", object_id=person["id"])
    assert (
        granted[0]["payload"]["email"] == ERASED_PERSON and granted[0]["payload"]["role"] == "staff"
    )


async def test_addresses_in_entries_written_before_references_are_rewritten_and_the_chain_resealed(
    cli_env,
):
    """A log from before this change (addresses hashed in) is migrated: afterwards it verifies, the
    person can be erased from it (the chain still verifies), and it ends with an entry naming the
    old chain's last hash."""
    code = """
import asyncio, hashlib, importlib, sys, uuid
from datetime import UTC, datetime
import msgspec
from challenge import db
from challenge.platform.audit.service import erase_person, verify
from challenge.platform.audit.tables import AuditEntry
from challenge.settings import load_settings, prepare

MIGRATION = "challenge.piccolo_migrations.challenge_2026_11_30t13_11_44_691470"

def old_hash(row):
    fields = [row["id"], row["created_at"].isoformat(timespec="microseconds"), "", row["actor_label"],
              row["action"], "", "", row["payload"], row["prev_hash"]]
    return hashlib.sha256(msgspec.json.encode(fields)).hexdigest()

async def main():
    async with db.connected(prepare(load_settings())):
        await db.migrate()
        await AuditEntry.raw("DELETE FROM audit_log")
        await AuditEntry.raw("DROP INDEX audit_log_actor_person")
        await AuditEntry.raw("ALTER TABLE audit_log DROP COLUMN actor_person")
        await AuditEntry.raw("DROP TABLE audit_persons")
        prev = "0" * 64
        for n, (label, payload) in enumerate([("Old.Person@example.org", '{"ip":"192.0.2.1"}'),
                                              ("cli", '{"email":"old.person@example.org","role":"staff"}'),
                                              ("worker", '{"n":1}')]):
            row = {"created_at": datetime(2026, 1, 1, 9, n, tzinfo=UTC), "actor_label": label,
                   "action": "legacy", "payload": payload, "prev_hash": prev}
            inserted = await AuditEntry.raw(
                "INSERT INTO audit_log (created_at, actor_label, action, object_type, object_id, payload, prev_hash,"
                " hash) VALUES ({}, {}, {}, '', '', {}, {}, {}) RETURNING id",
                row["created_at"], label, "legacy", payload, prev, uuid.uuid4().hex)
            row["id"] = inserted[0]["id"]
            prev = old_hash(row)
            await AuditEntry.raw("UPDATE audit_log SET hash = {} WHERE id = {}", prev, row["id"])
        if sys.argv[1] == "break":
            last = (await AuditEntry.raw("SELECT max(id) AS id FROM audit_log"))[0]["id"]
            await AuditEntry.raw("UPDATE audit_log SET payload = {} WHERE id = {}", '{"n":2}', last)
        old_head = prev
        migration = importlib.import_module(MIGRATION)
        await (await migration.forwards()).run()
        migrated = (await verify()).ok
        await erase_person(uuid.uuid4(), "old.person@example.org")
        rows = await AuditEntry.raw("SELECT * FROM audit_log ORDER BY id")
        people = await AuditEntry.raw("SELECT * FROM audit_persons")
        text = str(rows + people).lower()
        result = await verify()
        print(migrated and result.ok, "old.person@example.org" in text, rows[-1]["action"],
              old_head in rows[-1]["payload"])

asyncio.run(main())
"""
    fine = subprocess.run(
        [sys.executable, "-c", code, "intact"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fine.returncode == 0, fine.stderr
    assert fine.stdout.split()[-4:] == ["True", "False", "audit.resealed", "True"], fine.stdout
    broken = subprocess.run(
        [sys.executable, "-c", code, "break"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert broken.returncode == 0, broken.stderr
    # a broken chain is not laundered: it stays broken, with its addresses
    assert broken.stdout.split()[-4:] == ["False", "True", "legacy", "False"], broken.stdout


async def test_new_entries_store_references_not_addresses(app):
    user = await make_user(name="Rudi Referenz")
    async with db.write_transaction():
        from challenge.platform.audit.service import record

        entry_id = await record(
            "test.referenced",
            actor_label=user["email"],
            payload={"email": user["email"].upper(), "nested": [{"to": user["email"]}], "n": 1},
        )
    row = await AuditEntry.select().where(AuditEntry.id == entry_id).first()
    assert user["email"] not in row["payload"].lower() and row["actor_person"] is not None
    assert json.loads(row["payload"])["n"] == 1
    assert row["created_at"] <= datetime.now(UTC)
