"""Findings of the participation review on problems: a merge never makes a problem public that
was not published (H1), residents' files reach the public without metadata (H2), staff take a
published problem down with a reason (M8), merges lock both problems (crossing merges), the
author of a merged problem is mailed, the "Became a challenge" badge only for a pursued
challenge, /mitmachen/meine in one query for the targets' titles."""

from __future__ import annotations

import asyncio
import io
import re
from uuid import UUID

import pikepdf
from PIL import Image

from challenge.participation import profiles
from challenge.participation.tables import ResidentProblem
from challenge.platform.audit.tables import AuditEntry
from tests.challenge.participation.test_problems import (
    GOOD,
    resident,
    staff,
    stored,
    upload_form,
)
from tests.challenge.participation.test_problems_moderation import mails_to, moderate
from tests.challenge.platform.documents.test_hardening_documents import (
    AUTHOR,
    metadata_of,
    pdf_with_metadata,
)
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge
from tests.support.web import login, make_user, post_form


def jpeg_with_exif() -> bytes:
    """A photo naming its author (EXIF Artist) and where it was taken (GPS)."""
    image, out = Image.new("RGB", (8, 8), "red"), io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 20.0, 10.0), 3: "E", 4: (12.0, 22.0, 30.0)}  # GPS
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


async def test_a_pending_problem_cannot_be_merged_and_stays_private(app):
    async with http_client(app) as moderator, http_client(app) as visitor:
        await staff(moderator)
        author = await make_user()
        target = await stored(author["id"], title="Veröffentlicht")
        secret = await stored(author["id"], status="pending", title="Geheimer Entwurf")
        refused = await moderate(moderator, secret, decision="merge", into=str(target))
        assert refused.status_code == 409 and refused.json()["code"] == "merge_needs_published"
        assert (await visitor.get(f"/mitmachen/{secret}")).status_code == 404
        declined = await moderate(
            moderator, secret, decision="decline", into=str(target), reason="Gibt es schon."
        )
        assert declined.status_code == 200 and declined.json()["status"] == "declined"
        assert declined.json()["merged_into"] == str(target)
        assert (await visitor.get(f"/mitmachen/{secret}")).status_code == 404
        [mail] = await mails_to(author["email"], "problem_declined")
        assert f"/mitmachen/{target}" in mail["body_text"] and "Gibt es schon." in mail["body_text"]
        async with http_client(app) as own:
            await login(own, author["email"])
            page = (await own.get(f"/mitmachen/{secret}")).text
            assert "Bereits beschrieben in:" in page and f'href="/mitmachen/{target}"' in page


async def test_a_merged_problem_never_published_is_not_public_anywhere(app):
    """Rows merged from pending before the fix: page, API and file stay private."""
    async with http_client(app) as author_client, http_client(app) as visitor:
        author = await resident(author_client)
        sent = await upload_form(author_client, GOOD, ("Foto.jpg", jpeg_with_exif()))
        problem_id = UUID(sent.headers["location"].split("/")[2].split("?")[0])
        target = await stored(author["id"], title="Ziel")
        await ResidentProblem.update(
            {ResidentProblem.status: "merged", ResidentProblem.merged_into: target}
        ).where(ResidentProblem.id == problem_id)
        row = await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()
        assert row["published_at"] is None
        link = f"/api/v1/documents/{row['document']}"
        assert (await visitor.get(f"/mitmachen/{problem_id}")).status_code == 404
        api_answer = await visitor.get(f"/api/v1/participation/problems/{problem_id}")
        assert api_answer.status_code == 404
        assert (await visitor.get(link)).status_code == 404
        assert (await author_client.get(f"/mitmachen/{problem_id}")).status_code == 200
        # once published, a merged problem points onwards for everyone
        await ResidentProblem.update({ResidentProblem.published_at: row["created_at"]}).where(
            ResidentProblem.id == problem_id
        )
        assert (await visitor.get(f"/mitmachen/{problem_id}")).status_code == 200
        assert (await visitor.get(link)).status_code == 200


async def _published_with(app, filename: str, content: bytes) -> tuple[dict, str]:
    async with http_client(app) as author_client, http_client(app) as moderator:
        author = await resident(author_client)
        sent = await upload_form(author_client, GOOD, (filename, content))
        assert sent.status_code == 303, sent.text
        problem_id = sent.headers["location"].split("/")[2].split("?")[0]
        await staff(moderator)
        published = await moderate(moderator, problem_id, decision="publish")
        assert published.status_code == 200
        row = await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()
    return author, f"/api/v1/documents/{row['document']}"


async def test_the_public_gets_a_photo_without_exif_author_and_staff_the_original(app):
    original = jpeg_with_exif()
    author, link = await _published_with(app, "IMG_Erika_Mustermann.jpg", original)
    async with http_client(app) as visitor, http_client(app) as own, http_client(app) as team:
        served = await visitor.get(link)
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert AUTHOR.encode() not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            exif = image.getexif()
            assert image.size == (8, 8) and not exif and not exif.get_ifd(0x8825)
        assert "Mustermann" not in served.headers["content-disposition"]
        await login(own, author["email"])
        assert (await own.get(link)).content == original
        await staff(team)
        assert (await team.get(link)).content == original


async def test_the_public_gets_a_pdf_without_its_author(app):
    original = pdf_with_metadata()
    author, link = await _published_with(app, "Plan von Erika.pdf", original)
    async with http_client(app) as visitor, http_client(app) as own:
        served = await visitor.get(link)
        assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
        assert AUTHOR not in metadata_of(served.content)
        with pikepdf.open(io.BytesIO(served.content)) as document:
            assert "/Author" not in document.docinfo
        await login(own, author["email"])
        assert AUTHOR in metadata_of((await own.get(link)).content)


async def test_staff_take_a_published_problem_down_with_a_reason(app):
    async with http_client(app) as moderator, http_client(app) as visitor:
        await staff(moderator)
        author = await make_user(locale="en")
        problem_id = await stored(author["id"], title="Mit Namen des Nachbarn")
        assert (await visitor.get(f"/mitmachen/{problem_id}")).status_code == 200
        missing = await moderate(moderator, problem_id, decision="withdraw")
        assert missing.status_code == 422
        assert [e["field"] for e in missing.json()["errors"]] == ["reason"]
        done = await moderate(
            moderator, problem_id, decision="withdraw", reason="Nennt eine Privatperson."
        )
        assert done.status_code == 200 and done.json()["status"] == "withdrawn"
        assert (await visitor.get(f"/mitmachen/{problem_id}")).status_code == 404
        listed = (await visitor.get("/mitmachen", params={"q": "Nachbarn"})).text
        assert f"/mitmachen/{problem_id}" not in listed
        [mail] = await mails_to(author["email"], "problem_withdrawn")
        assert "Nennt eine Privatperson." in mail["body_text"]
        assert "no longer public" in mail["subject"]
        entries = await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.object_id == str(problem_id)
        )
        assert [e["action"] for e in entries] == ["problem.withdrawn"]
        again = await moderate(moderator, problem_id, decision="withdraw", reason="Nochmal")
        assert again.status_code == 409
        async with http_client(app) as own:
            await login(own, author["email"])
            page = (await own.get(f"/mitmachen/{problem_id}")).text
            assert "Nennt eine Privatperson." in page


async def test_taking_down_from_the_page_asks_for_a_reason_and_a_confirmation(app):
    async with http_client(app) as moderator:
        await staff(moderator)
        author = await make_user()
        problem_id = await stored(author["id"], title="Zum Zurückziehen")
        page = (await moderator.get(f"/mitmachen/{problem_id}")).text
        assert 'name="decision" value="withdraw"' in page and "Zurückziehen …" in page
        url = f"/staff/participation/{problem_id}"
        empty = await post_form(moderator, url, {"decision": "withdraw", "reason": ""})
        assert empty.status_code == 422 and "warum das Problem zurückgezogen wird" in empty.text
        values = {"decision": "withdraw", "reason": "Beleidigend."}
        confirm = await post_form(moderator, url, values)
        assert confirm.status_code == 200 and "Dieses Problem zurückziehen?" in confirm.text
        assert "Beleidigend." in confirm.text
        row = await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()
        assert row["status"] == "published"
        done = await post_form(moderator, url, {**values, "confirmed": "1"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/mitmachen/{problem_id}?notice=moderated"
        shown = (await moderator.get(done.headers["location"])).text
        assert "Zurückgezogen" in shown and "Beleidigend." in shown


async def test_a_merge_mails_the_author_where_it_continues(app):
    async with http_client(app) as moderator:
        await staff(moderator)
        author = await make_user()
        target = await stored(author["id"], title="Das Original")
        duplicate = await stored(author["id"], title="Die Kopie")
        merged = await moderate(
            moderator, duplicate, decision="merge", into=str(target), reason="Gleiches Thema"
        )
        assert merged.status_code == 200
        [mail] = await mails_to(author["email"], "problem_merged")
        assert "Das Original" in mail["body_text"] and f"/mitmachen/{target}" in mail["body_text"]
        assert "Gleiches Thema" in mail["body_text"]


async def test_crossing_merges_end_with_one_merged_and_no_error(app):
    """A into B while B into A: both rows locked in id order, one wins, the other is refused
    (422: its target is merged already) — never a deadlock (503)."""
    author = await make_user()
    first = await stored(author["id"], title="Erstes")
    second = await stored(author["id"], title="Zweites")
    clients = [http_client(app) for _ in range(20)]
    try:
        for client in clients:
            await staff(client)
        pairs = [(first, second), (second, first)] * 10
        answers = await asyncio.gather(
            *(
                moderate(client, source, decision="merge", into=str(target))
                for client, (source, target) in zip(clients, pairs, strict=True)
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    codes = sorted(a.status_code for a in answers)
    assert codes.count(200) == 1 and set(codes) <= {200, 409, 422}, codes
    rows = await ResidentProblem.select(ResidentProblem.status).where(
        ResidentProblem.id.is_in([first, second])
    )
    assert sorted(r["status"] for r in rows) == ["merged", "published"]


async def test_the_challenge_badge_only_for_a_pursued_challenge(app, client):
    call = await make_call()
    author = await make_user()
    pursued = await make_challenge(call, "verfolgt")
    dropped = await make_challenge(call, "abgelehnt", status="declined")
    marker = "Badge-Probe"
    one = await stored(author["id"], title=f"{marker} eins", challenge=pursued["id"])
    two = await stored(author["id"], title=f"{marker} zwei", challenge=dropped["id"])
    listed = (await client.get("/mitmachen", params={"q": marker, "sort": "new"})).text
    cards = re.split(r"<article", listed)
    badge = 'data-problem="challenge"'
    assert any(f"/mitmachen/{one}" in c and badge in c for c in cards)
    assert not any(f"/mitmachen/{two}" in c and badge in c for c in cards)
    assert badge in (await client.get(f"/mitmachen/{one}")).text
    assert badge not in (await client.get(f"/mitmachen/{two}")).text


async def test_a_resident_changes_the_display_name_on_the_profile_page(app, client):
    assert (await client.get("/mitmachen/profil")).status_code in (302, 303, 401)
    user = await resident(client, display_name="Anna aus Gohlis")
    mine = (await client.get("/mitmachen/meine")).text
    assert 'href="/mitmachen/profil"' in mine
    page = await client.get("/mitmachen/profil")
    assert page.status_code == 200 and 'value="Anna aus Gohlis"' in page.text
    refused = await post_form(client, "/mitmachen/profil", {"display_name": "anna@example.org"})
    assert refused.status_code == 422 and 'value="anna@example.org"' in refused.text
    assert await profiles.display_name(user["id"]) == "Anna aus Gohlis"
    saved = await post_form(client, "/mitmachen/profil", {"display_name": "  Anna  S. "})
    assert saved.status_code == 303
    assert "gespeichert" in (await client.get(saved.headers["location"])).text
    assert await profiles.display_name(user["id"]) == "Anna S."
    problem_id = await stored(user["id"], title="Mit neuem Namen")
    assert "Anna S." in (await client.get(f"/mitmachen/{problem_id}")).text


async def test_mine_names_the_targets_of_merged_problems(app, client):
    user = await resident(client)
    targets = [await stored(user["id"], title=f"Ziel {n}") for n in range(3)]
    for n, target in enumerate(targets):
        await stored(user["id"], status="merged", title=f"Kopie {n}", merged_into=target, reason="")
    mine = (await client.get("/mitmachen/meine")).text
    for n, target in enumerate(targets):
        assert f'href="/mitmachen/{target}">Ziel {n}</a>' in mine
