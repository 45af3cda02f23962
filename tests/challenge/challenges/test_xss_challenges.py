"""Stored XSS sweep for challenges (issue 17; the method of tests/challenge/platform/security/
test_xss.py): the payload in every text field of units, challenges, their review and the unit's
comments for the jury, and every page that shows them — as the unit, staff, a team and the
public — parsed for injected elements, event handlers and javascript: links; the mails too.

Fields swept: unit name; invited member's name; challenge title, problem (Markdown with
javascript: links), who is affected, outcome, constraints, contact, mentor, data-set titles and
addresses, infrastructure, access to staff, its questions and FAQ; the review comment; the
unit's comment for the jury."""

import contextlib
from datetime import UTC, datetime, timedelta

from challenge.calls.tables import Call
from challenge.platform.mail.tables import OutboxMail
from challenge.submissions.tables import Submission
from tests.challenge.platform.security.test_xss import (
    MARKDOWN,
    PAYLOAD,
    SHORT,
    browser,
    injected,
    sweep,
)
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.web import api, post_form, unique_email


def _challenge_body(unit_id: str) -> dict:
    return {
        "unit_id": unit_id,
        "title": f"Challenge {SHORT}",
        "problem": f"{PAYLOAD}\n\n{MARKDOWN}",
        "affected": PAYLOAD,
        "outcome": f"{MARKDOWN}\n\n{PAYLOAD}",
        "constraints": PAYLOAD,
        "contact_name": f"Kontakt {SHORT}",
        "mentor_name": f"Mentor {SHORT}",
        "offer": {
            "datasets": [{"title": f"Daten {SHORT}", "url": f"https://example.org/?q={SHORT}"}],
            "infrastructure": PAYLOAD,
            "staff_access": PAYLOAD,
        },
        "questions": [{"key": "daten", "label": f"Frage {PAYLOAD}", "type": "text"}],
        "faq": [{"question": f"F {PAYLOAD}", "answer": f"A {PAYLOAD}"}],
    }


async def test_challenge_fields_render_inert_everywhere(app):
    async with contextlib.AsyncExitStack() as stack:
        staff = await browser(app, stack, roles=("staff",))
        unit = (await api(staff, "POST", "/api/v1/units", {"name": f"Amt {SHORT}"})).json()
        member_email = unique_email("stelle")
        added = await api(
            staff,
            "POST",
            f"/api/v1/units/{unit['id']}/members",
            {"email": member_email, "name": f"Ute {SHORT}"},
        )
        assert added.status_code == 201, added.text
        member = await browser(app, stack)
        await api(
            staff,
            "POST",
            f"/api/v1/units/{unit['id']}/members",
            {"email": member.user["email"], "name": "Ute Unit"},
        )
        created = await api(member, "POST", "/api/v1/challenges", _challenge_body(unit["id"]))
        assert created.status_code == 201, created.text
        challenge_id = created.json()["id"]
        await api(member, "POST", f"/api/v1/challenges/{challenge_id}/submit")
        asked = await api(
            staff,
            "POST",
            f"/api/v1/challenges/{challenge_id}/review",
            {"decision": "request_changes", "comment": PAYLOAD},
        )
        assert asked.status_code == 200, asked.text
        await api(member, "POST", f"/api/v1/challenges/{challenge_id}/submit")
        await sweep(member, [f"/unit/challenges/{challenge_id}", "/unit/challenges"])
        await api(
            staff, "POST", f"/api/v1/challenges/{challenge_id}/review", {"decision": "approve"}
        )

        now = datetime.now(UTC)
        call = await make_call(status="draft", opens_at=now - timedelta(days=3))
        slug = call["slug"]
        attached = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/challenges",
            {"challenge_id": challenge_id, "key": "k"},
        )
        assert attached.status_code == 201, attached.text
        await Call.update({Call.status: "published"}).where(Call.slug == slug)
        await sweep(
            staff,
            [
                "/staff/units",
                f"/staff/units/{unit['id']}",
                "/staff/challenges",
                f"/staff/challenges/{challenge_id}",
                f"/staff/challenges/{challenge_id}/edit",
                f"/staff/calls/{slug}/challenges",
            ],
        )
        public = await stack.enter_async_context(http_client(app))
        await sweep(public, [f"/calls/{slug}", f"/calls/{slug}/challenges/k", "/"])

        team = await browser(app, stack)
        organisation = await make_team(team.user["id"], name=f"Team {SHORT}")
        await sweep(team, [f"/calls/{slug}/apply?challenge=k"])
        made = await api(
            team,
            "POST",
            f"/api/v1/calls/{slug}/submissions",
            {
                "organisation_id": str(organisation["id"]),
                "challenge": "k",
                "title": "Vorschlag",
                "summary": "Kurz",
                "answers": {"daten": "Baumkataster"},
            },
        )
        assert made.status_code == 201, made.text
        await sweep(team, [f"/submissions/{made.json()['id']}/questions"])
        await Submission.update(
            {Submission.status: "submitted", Submission.submitted_at: now}
        ).where(Submission.id == made.json()["id"])
        await Call.update({Call.closes_at: now - timedelta(hours=1)}).where(Call.slug == slug)
        commented = await post_form(
            member, f"/unit/proposals/{made.json()['id']}/comments", {"body": PAYLOAD}
        )
        assert commented.status_code == 303, commented.text
        await sweep(
            member,
            [f"/unit/challenges/{challenge_id}/proposals", f"/unit/proposals/{made.json()['id']}"],
        )
        for template, to in (
            ("unit_invitation", member_email),
            ("challenge_reviewed", member.user["email"]),
        ):
            mails = await OutboxMail.select(OutboxMail.body_html, OutboxMail.subject).where(
                (OutboxMail.template == template) & (OutboxMail.to_address == to)
            )
            assert mails, template
            for mail in mails:
                assert not injected(mail["body_html"]), (template, injected(mail["body_html"]))
