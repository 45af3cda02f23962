"""Data protection: export (Art. 15/20) contains the person's submissions and files; erasure
(Art. 17) leaves their name and address only in retained records, and the audit chain verifies;
stale drafts are deleted by the housekeeping job."""

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.platform import privacy
from challenge.platform.audit.service import verify
from challenge.submissions.tables import Submission
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user

RETAINED_TABLES = {"audit_log"}


async def applicant_with_everything(app):
    """A person with a submitted proposal and its file, a draft, a library file and mails."""
    marker = uuid.uuid4().hex[:8]
    user = await make_user(name=f"Mara Marker{marker}", email=f"mara-{marker}@example.org")
    client = http_client(app)
    await client.__aenter__()
    await login(client, user["email"])
    team = await make_team(user["id"], name=f"Solo GmbH {marker}")
    call = await open_call()
    created = (
        await api(
            client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team["id"]), **COMPLETE, "title": f"Vorschlag {marker}"},
        )
    ).json()
    attachment = pdf("Anhang")
    body, content_type = multipart("konzept.pdf", attachment)
    await client.post(
        f"/api/v1/submissions/{created['id']}/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )
    assert (
        await api(client, "POST", f"/api/v1/submissions/{created['id']}/submit", {})
    ).status_code == 200
    other_call = await open_call()
    draft = (
        await api(
            client,
            "POST",
            f"/api/v1/calls/{other_call['slug']}/submissions",
            {"organisation_id": str(team["id"]), "title": "Entwurf"},
        )
    ).json()
    body, content_type = multipart("lebenslauf.pdf", pdf("Lebenslauf"))
    await client.post(
        "/api/v1/me/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )
    await client.__aexit__(None, None, None)
    return user, created, draft, attachment


async def test_export_contains_the_persons_submissions_and_files(app):
    user, submitted, _draft, attachment = await applicant_with_everything(app)
    data = await privacy.export(app.state.storage, user["email"])
    archive = zipfile.ZipFile(io.BytesIO(data))
    person = json.loads(archive.read("person.json"))
    assert person["account"]["email"] == user["email"] and "password_hash" not in person["account"]
    assert submitted["title"] in [s["title"] for s in person["submissions"]]
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == 2 and any(archive.read(name) == attachment for name in files)
    assert any(
        "Proposal received" in m["subject"]
        or "Vorschlag eingegangen" in m["subject"]
        or submitted["reference"] in m["subject"]
        for m in person["mails"]
    )
    assert "partnerships" in person  # extensions add their part


async def everything_stored() -> dict[str, str]:
    texts = {}
    for table in db.all_tables():
        rows = await table.raw(f'SELECT * FROM "{table._meta.tablename}"')
        texts[table._meta.tablename] = json.dumps(rows, default=str, ensure_ascii=False)
    return texts


async def test_erase_leaves_name_and_address_only_in_retained_records(app):
    user, submitted, draft, _attachment = await applicant_with_everything(app)
    report = await privacy.erase(app.state.storage, user["email"])
    assert report["removed"]["draft_proposals"] == 1 and report["removed"]["library_files"] == 1
    assert "audit_log" in report["retained"]
    stored = await everything_stored()
    for table, text in stored.items():
        if table not in RETAINED_TABLES:
            assert user["email"] not in text and user["name"] not in text, table
    assert await Submission.exists().where(
        Submission.id == submitted["id"]
    )  # the submitted proposal stays
    assert not await Submission.exists().where(Submission.id == draft["id"])
    assert (await verify()).ok
    client = http_client(app)
    response = await api(
        client,
        "POST",
        "/api/v1/auth/login",
        {"email": user["email"], "password": "egal-was-auch-immer"},
    )
    assert response.status_code == 401


async def test_unknown_addresses_are_refused(app):
    try:
        await privacy.erase(app.state.storage, "niemand@example.org")
    except privacy.PrivacyError as error:
        assert "no account" in str(error)
    else:
        raise AssertionError("erasing an unknown address must fail")


async def test_drafts_of_long_closed_calls_are_deleted_and_audited(app, settings):
    now = datetime.now(UTC)
    old = (
        await Call.select()
        .where(
            Call.slug
            == (
                await make_call(
                    opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300)
                )
            )["slug"]
        )
        .first()
    )
    recent = (
        await Call.select()
        .where(
            Call.slug
            == (
                await make_call(
                    opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30)
                )
            )["slug"]
        )
        .first()
    )
    owner = await make_user()
    # one open proposal per team and call: the draft and the submitted entry come from two teams
    teams = {
        status: await make_team(owner["id"], name=f"Team {status}")
        for status in ("draft", "submitted")
    }
    ids = {}
    for name, call in (("old", old), ("recent", recent)):
        for status, team in teams.items():
            row = Submission(
                call=call["id"],
                organisation=team["id"],
                title=f"{name} {status}",
                status=status,
                reference=f"X-{uuid.uuid4().hex[:8]}" if status == "submitted" else None,
                created_at=now,
            )
            await row.save()
            ids[(name, status)] = row.id
    deleted = await privacy.apply_retention(
        settings, now
    )  # drafts are the data with a retention rule
    assert deleted >= 1
    assert not await Submission.exists().where(Submission.id == ids[("old", "draft")])
    for key in (("old", "submitted"), ("recent", "draft"), ("recent", "submitted")):
        assert await Submission.exists().where(Submission.id == ids[key])
