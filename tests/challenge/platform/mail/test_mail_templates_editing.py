"""Staff edit the mails (API and pages): saving refuses what cannot render and leaves what was
stored; a version for one call is sent for that call only; reset goes back; the preview shows the
latest real mail's values; saves and resets are audited; erasure takes the kept values too."""

from __future__ import annotations

import uuid

import pytest

from challenge.calls.tables import Call
from challenge.platform import privacy
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.mail.outbox import enqueue
from challenge.platform.mail.tables import MailTemplate, OutboxMail
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form, unique_email

KEY = "juror_reminder"
URL = f"/api/v1/mail-templates/{KEY}/de"
CONTEXT = {"name": "Jana Jurorin", "call": "Aufruf", "open": 2, "link": "https://p.example/j"}


@pytest.fixture(autouse=True)
async def no_versions_left(app):
    """Other tests send these mails: leave the defaults to them."""
    yield
    await MailTemplate.delete().where(MailTemplate.key.is_in([KEY, "submission_received"]))


@pytest.fixture
async def staff(app):
    user = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, user["email"])
        client.user = user
        yield client


async def sent(scope: str = "", context: dict | None = None) -> dict:
    mail_id = await enqueue(
        unique_email("jury"), KEY, locale="de", context=context or CONTEXT, scope=scope
    )
    return await OutboxMail.select().where(OutboxMail.id == mail_id).first()


async def call_id(call: dict) -> str:
    return str((await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"])


async def test_a_saved_version_is_sent_and_reset_brings_the_default_back(staff):
    body = "Hallo {{ name }},\n\n**{{ open }}** offen in {{ call }}:\n\n{{ link }}\n"
    saved = await api(staff, "PUT", URL, {"subject": "Offen: {{ open }}", "body": body})
    assert saved.status_code == 200, saved.text
    assert saved.json()["changed"] is True and "open" in saved.json()["placeholders"]
    mail = await sent()
    assert mail["subject"] == "Offen: 2" and "**2** offen in Aufruf" in mail["body_text"]
    assert "<strong>2</strong> offen in Aufruf" in mail["body_html"]
    listed = (await api(staff, "GET", "/api/v1/mail-templates")).json()["items"]
    state = next(m for m in listed if m["key"] == KEY)["locales"]
    assert state["de"]["changed"] and not state["en"]["changed"]
    assert (await api(staff, "DELETE", URL)).status_code == 204
    assert (await sent())["subject"] == "Erinnerung: offene Bewertungen für Aufruf"
    actions = await AuditEntry.select(AuditEntry.action).where(
        (AuditEntry.object_type == "mail_template") & (AuditEntry.actor_id == staff.user["id"])
    )
    assert [a["action"] for a in actions] == ["mail_template.saved", "mail_template.reset"]


@pytest.mark.parametrize(
    ("subject", "body", "field", "line", "words"),
    [
        ("Hallo", "Zeile\n{{ name ", "body", 2, "Zeile 2"),
        ("Hallo", "A\nB\n{{ geheim }}", "body", 3, "„geheim“ ist kein Platzhalter"),
        ("Hallo", "{{ ''.__class__.__mro__ }}", "body", 1, "__mro__"),
        ("Hallo", "{% include '/etc/passwd' %}", "body", 1, "include"),
        ("Hallo", "{% for i in range(10**9) %}x{% endfor %}", "body", 1, "10000"),
        ("{{ name.upper() }}", "Text", "subject", 1, "Betreff"),
        ("", "Text", "subject", None, "Betreff"),
    ],
)
async def test_saving_refuses_what_cannot_render_and_keeps_what_was_stored(
    staff, subject, body, field, line, words
):
    kept = {"subject": "Vorher {{ call }}", "body": "Vorher {{ name }}\n"}
    assert (await api(staff, "PUT", URL, kept)).status_code == 200
    refused = await api(staff, "PUT", URL, {"subject": subject, "body": body})
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "template_invalid" and problem["field"] == field
    assert problem["line"] == line and words in problem["detail"]
    (row,) = await MailTemplate.select().where(MailTemplate.key == KEY)
    assert (row["subject"], row["body"]) == (kept["subject"], kept["body"])


async def test_the_refusal_is_in_the_readers_language(app):
    english = await make_user(roles=("admin",), locale="en")
    async with http_client(app) as client:
        await login(client, english["email"])
        refused = await api(client, "PUT", URL, {"subject": "Hi", "body": "A\n{{ secret }}"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Text, line 2: “secret” is not a placeholder of this mail."


async def test_a_version_for_one_call_is_sent_for_that_call_only(staff):
    first, second = await make_call(), await make_call()
    general = {"subject": "Für alle", "body": "Alle {{ name }}\n"}
    own = {"subject": "Nur {{ call }}", "body": "Eigen {{ name }}\n", "call": first["slug"]}
    assert (await api(staff, "PUT", URL, general)).status_code == 200
    assert (await api(staff, "PUT", URL, own)).status_code == 200
    assert (await sent(await call_id(first)))["subject"] == "Nur Aufruf"
    assert (await sent(await call_id(second)))["subject"] == "Für alle"
    assert (await sent())["subject"] == "Für alle"
    reset = await api(staff, "DELETE", URL, params={"call": first["slug"]})
    assert reset.status_code == 204
    assert (await sent(await call_id(first)))["subject"] == "Für alle"
    unknown = await api(staff, "PUT", URL, {**own, "call": "gibt-es-nicht"})
    assert unknown.status_code == 404


async def test_a_submitted_proposal_gets_the_receipt_of_its_call(app, staff):
    call = await open_call()
    own = {"subject": "Eingang {{ reference }}", "body": "Danke für {{ title }}\n"}
    own["call"] = call["slug"]
    url = "/api/v1/mail-templates/submission_received/de"
    assert (await api(staff, "PUT", url, own)).status_code == 200
    applicant = await make_user()
    team = await make_team(applicant["id"], name="Team Eingang")
    async with http_client(app) as client:
        await login(client, applicant["email"])
        created = await api(
            client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team["id"]), **COMPLETE, "title": "Kühle Dächer"},
        )
        body, content_type = multipart("konzept.pdf", pdf("Anhang"))
        await client.post(
            f"/api/v1/submissions/{created.json()['id']}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
        )
        submitted = await api(
            client, "POST", f"/api/v1/submissions/{created.json()['id']}/submit", {}
        )
    assert submitted.status_code == 200, submitted.text
    mail = await (
        OutboxMail.select()
        .where(
            (OutboxMail.to_address == applicant["email"])
            & (OutboxMail.template == "submission_received")
        )
        .first()
    )
    assert mail["subject"] == f"Eingang {submitted.json()['reference']}"
    assert "Danke für Kühle Dächer" in mail["body_text"]


async def test_the_preview_shows_the_latest_real_mail(staff):
    name = f"Vera Vorschau {uuid.uuid4().hex[:6]}"
    await sent(context={**CONTEXT, "name": name})
    response = await api(
        staff, "POST", f"{URL}/preview", {"subject": "Für {{ name }}", "body": "{{ open }} offen"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == f"Für {name}"
    assert "2 offen" in response.json()["text"] and "<p>2 offen</p>" in response.json()["html"]


async def test_only_staff_and_admins_edit(app):
    applicant = await make_user()
    async with http_client(app) as client:
        await login(client, applicant["email"])
        for method in ("GET", "PUT", "DELETE"):
            url = "/api/v1/mail-templates" if method == "GET" else URL
            body = {"subject": "x", "body": "y"} if method == "PUT" else None
            assert (await api(client, method, url, body)).status_code == 403
        assert (await client.get("/staff/mail-templates")).status_code == 403
    async with http_client(app) as anonymous:
        assert (await anonymous.get("/api/v1/mail-templates")).status_code == 401


async def test_the_pages_edit_preview_and_reset(staff):
    listed = await staff.get("/staff/mail-templates")
    assert listed.status_code == 200 and "Erinnerung an offene Bewertungen" in listed.text
    page = await staff.get(f"/staff/mail-templates/{KEY}/de")
    assert page.status_code == 200
    assert "{{ open }}" in page.text and "Zahl der offenen Bewertungen" in page.text
    assert "sind noch offen" in page.text and 'id="mail-preview"' in page.text
    refused = await post_form(
        staff, f"/staff/mail-templates/{KEY}/de", {"subject": "Hallo", "body": "{{ name "}
    )
    assert refused.status_code == 422 and "Zeile 1" in refused.text
    assert not await MailTemplate.exists().where(MailTemplate.key == KEY)
    preview = await post_form(
        staff,
        f"/staff/mail-templates/{KEY}/de/preview",
        {"subject": "Hallo", "body": "Für <{{ name }}> *kursiv*"},
    )
    assert preview.status_code == 200 and "<em>kursiv</em>" in preview.text
    assert "&lt;" in preview.text and "<script" not in preview.text
    saved = await post_form(
        staff, f"/staff/mail-templates/{KEY}/de", {"subject": "Hallo", "body": "Neu {{ name }}"}
    )
    assert saved.status_code == 303
    page = await staff.get(saved.headers["location"])
    assert "Gespeichert" in page.text and "<ins>" in page.text and "<del>" in page.text
    confirm = await staff.get(f"/staff/mail-templates/{KEY}/de/reset")
    assert confirm.status_code == 200 and "Ja, zurücksetzen" in confirm.text
    done = await post_form(staff, f"/staff/mail-templates/{KEY}/de/reset", {})
    assert done.status_code == 303 and "done=reset" in done.headers["location"]
    assert not await MailTemplate.exists().where(MailTemplate.key == KEY)


async def test_erasure_takes_the_values_kept_with_mails(app):
    person = await make_user(name=f"Erna Erasmus {uuid.uuid4().hex[:6]}")
    other = unique_email("other")
    mail_id = await enqueue(
        other, KEY, locale="de", context={**CONTEXT, "inviter": person["name"]}
    )  # the person's name only among the kept values, not in the mail
    await privacy.erase(app.state.storage, person["email"])
    assert not await OutboxMail.exists().where(OutboxMail.id == mail_id)
