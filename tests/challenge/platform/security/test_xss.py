"""Stored XSS sweep (issue 11): a payload in every text field people can write, and every page that
shows it — rendered as the team, a juror, staff and the public — is parsed: no injected element,
no event-handler attribute, no javascript: link. Every page must answer 200 (a 404 would hide a
missing render), and the payload must be on it, as text.

Fields swept here (the partnership fields are in tests/partnerships/test_xss.py):
- call (staff API): title, summary, description and eligibility (Markdown: javascript: links and raw
  HTML too), categories, question labels, help texts and choices, criterion names and descriptions,
  FAQ questions and answers
- a later jury round (staff API): name, event place, criterion names and descriptions
- accounts: name and affiliation (applicants, jurors), the name of an invited new juror, API token name
- team (API): name, register id, website, city
- proposal: title, summary, category, answers (text, long text, choice, url), attachment file name,
  the version diff of a changed resubmission; a file name in the personal library
- deadline extension reason, conflict lift reason (audit log)
- jury: conflict reason (declared by the juror, added by staff), review comment (shared and not
  shared), per-criterion comments, in both rounds; others' reviews are JSON only (no page)
- results: decision rationale (page form and API), shared comments on the team's page
- issued documents: the call PDF's title on /verify; the HTML of every mail these steps send
"""

import contextlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from markupsafe import escape

from challenge.calls.tables import Call
from challenge.platform.documents.tables import Document
from challenge.platform.mail.tables import OutboxMail
from tests.conftest import http_client
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form, unique_email

# "%" too: user text handed to gettext as a message would break the page (or be marked safe)
PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)><x-xss></x-xss>\"><svg onload=alert(2)>' 50 % %(x)s"
SHORT = (
    "<x-xss><img src=x onerror=alert(1)>\"'"  # for fields of at most 100 characters, and file names
)
SHOWN = "&lt;x-xss&gt;"  # the payload, escaped, as the page shows it
MARKDOWN = (
    "[eins](javascript:alert(1)) [zwei](JaVaScRiPt:alert(2)) [drei]( javascript:alert(3)) "
    '<a href="javascript:alert(4)">vier</a> ![fünf](javascript:alert(5)) <javascript:alert(6)> '
    "[sechs][ref] [sieben](&#106;avascript:alert(8)) [acht](java&#x09;script:alert(9)) "
    "[neun](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [sicher](https://example.org/ok)\n\n"
    "[ref]: javascript:alert(7)\n"
)
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def shown(text: str) -> str:
    """Some text with the payload as a page shows it: escaped."""
    return str(escape(text))


class InjectionFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        # a bare <svg> may be the portal's own chart; the payload's <svg onload=…> is caught below
        if tag == "x-xss" or (tag == "img" and dict(attrs).get("src") == "x"):
            self.found.append(tag)
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            # browsers drop spaces and control characters around and inside a URL's scheme
            if name in URL_ATTRIBUTES and re.sub(
                r"[\x00-\x20]", "", value or ""
            ).lower().startswith(BAD_SCHEMES):
                self.found.append(f"{tag}[{name}={value}]")


def injected(html: str) -> list[str]:
    finder = InjectionFinder()
    finder.feed(html)
    return finder.found


async def sweep(client, paths, *, status=200, with_payload=True) -> None:
    """Each page answers `status`, carries no injection, and (with_payload) shows the payload as text."""
    for path in paths:
        response = await client.get(path)
        assert response.status_code == status, (path, response.status_code, response.text[:300])
        assert not injected(response.text), (path, injected(response.text))
        if with_payload:
            assert SHOWN in response.text, f"payload not on {path}"


def page_ok(response, status=200) -> None:
    """A page answered a form post: its status, and nothing injected."""
    assert response.status_code == status, (response.url, response.status_code, response.text[:300])
    assert not injected(response.text), (response.url, injected(response.text))


async def browser(app, stack, user=None, **user_fields):
    client = await stack.enter_async_context(http_client(app))
    if user is None:
        user = await make_user(**user_fields)
    await login(client, user["email"])
    client.user = user
    return client


async def payload_call(staff, **overrides) -> dict:
    """A published, open call written through the staff API with the payload in every text field."""
    now = datetime.now(UTC)
    body = {
        "slug": f"xss-{uuid.uuid4().hex[:10]}",
        "title": f"Aufruf {PAYLOAD}",
        "summary": PAYLOAD,
        "description": f"{PAYLOAD}\n\n{MARKDOWN}",
        "eligibility": f"{MARKDOWN}\n\n{PAYLOAD}",
        "categories": [f"Hitze {SHORT}", "Wasser"],
        "questions": [
            {
                "key": "problem",
                "label": f"Problem {PAYLOAD}",
                "type": "long_text",
                "required": True,
                "max_length": 2000,
                "help": PAYLOAD,
            },
            {"key": "motto", "label": PAYLOAD, "type": "text", "help": PAYLOAD},
            {
                "key": "licence",
                "label": PAYLOAD,
                "type": "choice",
                "required": True,
                "choices": ["EUPL-1.2", PAYLOAD],
            },
            {"key": "demo", "label": PAYLOAD, "type": "url"},
            {"key": "staff", "label": PAYLOAD, "type": "number"},
        ],
        # a scale wider than 10 is a number field whose aria-label is the criterion's name
        "criteria": [
            {
                "key": "impact",
                "name": f"Nutzen {PAYLOAD}",
                "weight": 1,
                "scale_min": 0,
                "scale_max": 10,
                "description": PAYLOAD,
            },
            {
                "key": "team",
                "name": PAYLOAD,
                "weight": 2,
                "scale_min": 1,
                "scale_max": 50,
                "description": PAYLOAD,
            },
        ],
        "document_rules": {
            "max_files": 3,
            "max_bytes": 1024 * 1024,
            "allowed_types": ["application/pdf"],
        },
        "faq": [{"question": PAYLOAD, "answer": PAYLOAD}],
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=5)).isoformat(),
        "budget_cents": 100_000_00,
        "max_award_cents": 50_000_00,
        "awards_planned": 1,
        **overrides,
    }
    created = await api(staff, "POST", "/api/v1/calls", body)
    assert created.status_code == 201, created.text
    draft_pages = [
        f"/staff/calls/{body['slug']}/edit",
        f"/staff/calls/{body['slug']}/publish",
        f"/calls/{body['slug']}",
    ]
    await sweep(staff, draft_pages)  # the draft, and its preview
    published = await api(staff, "POST", f"/api/v1/calls/{body['slug']}/publish")
    assert published.status_code == 200, published.text
    return created.json()


async def payload_proposal(app, stack, call, *, consent=True) -> tuple:
    """A team whose owner, team and proposal carry the payload; submitted. (client, submission)"""
    client = await browser(app, stack)
    profile = await api(
        client, "PATCH", "/api/v1/me", {"name": f"Name {PAYLOAD}", "affiliation": PAYLOAD}
    )
    assert profile.status_code == 200, profile.text
    team = await api(
        client,
        "POST",
        "/api/v1/organisations",
        {
            "name": f"Team {PAYLOAD}",
            "kind": "startup",
            "register_id": f"HRB {SHORT}",
            "city": f"Leipzig {SHORT}",
            "website": f"https://example.org/{PAYLOAD}",
        },
    )
    assert team.status_code == 201, team.text
    client.team = team.json()
    created = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {
            "organisation_id": client.team["id"],
            "title": f"Titel {PAYLOAD}",
            "summary": PAYLOAD,
            "category": f"Hitze {SHORT}",
            "answers": {
                "problem": PAYLOAD,
                "motto": PAYLOAD,
                "licence": PAYLOAD,
                "demo": f"https://example.org/?q={PAYLOAD}",
                "staff": 4,
            },
        },
    )
    assert created.status_code == 201, created.text
    sub = created.json()
    body, content_type = multipart(f"a{SHORT}.pdf", pdf())
    attached = await client.post(
        f"/api/v1/submissions/{sub['id']}/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
    )
    assert attached.status_code == 201, attached.text
    submitted = await api(
        client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {"consent_publication": consent}
    )
    assert submitted.status_code == 200, submitted.text
    return client, submitted.json()


async def mails_to(addresses) -> list[dict]:
    rows = await OutboxMail.select(
        OutboxMail.to_address, OutboxMail.template, OutboxMail.body_html
    ).where(OutboxMail.to_address.is_in(list(addresses)))
    assert rows
    for row in rows:
        assert not injected(row["body_html"]), (row["template"], injected(row["body_html"]))
    return rows


async def test_payloads_in_every_field_render_inert(app):
    async with contextlib.AsyncExitStack() as stack:
        staff = await browser(app, stack, roles=("staff", "admin"))
        call = await payload_call(staff)
        slug = call["slug"]
        applicant, sub = await payload_proposal(app, stack, call)
        team = applicant.team
        # a changed resubmission: the staff see the diff of every field, old and new
        changed = await api(
            applicant,
            "PATCH",
            f"/api/v1/submissions/{sub['id']}",
            {
                "version": sub["version"],
                "title": f"Neu {PAYLOAD}",
                "summary": f"Neu {PAYLOAD}",
                "category": "Wasser",
                "answers": {
                    "problem": f"Neu {PAYLOAD}",
                    "motto": f"Neu {PAYLOAD}",
                    "licence": "EUPL-1.2",
                    "demo": f"https://example.org/neu?q={PAYLOAD}",
                    "staff": 5,
                },
            },
        )
        assert changed.status_code == 200, changed.text
        resubmitted = await api(applicant, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        assert resubmitted.status_code == 200, resubmitted.text
        body, content_type = multipart(f"bibliothek{SHORT}.pdf", pdf())
        stored = await applicant.post(
            "/api/v1/me/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(applicant)},
        )
        assert stored.status_code == 201, stored.text
        extended = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/extensions",
            {
                "organisation_id": team["id"],
                "closes_at": (datetime.now(UTC) + timedelta(days=9)).isoformat(),
                "reason": PAYLOAD,
            },
        )
        assert extended.status_code == 201, extended.text
        member = await make_user()
        invitation = await api(
            applicant,
            "POST",
            f"/api/v1/organisations/{team['id']}/invitations",
            {"email": member["email"]},
        )
        assert invitation.status_code == 201, invitation.text
        [mail] = await OutboxMail.select(OutboxMail.body_text).where(
            (OutboxMail.to_address == member["email"]) & (OutboxMail.template == "team_invitation")
        )
        join = re.search(r"/teams/join\?token=[\w-]+", mail["body_text"]).group(0)
        token = await api(
            staff, "POST", "/api/v1/me/tokens", {"name": f"Token {SHORT}", "days": 30}
        )
        assert token.status_code == 201, token.text
        # the call's PDF is issued under the call's title, which /verify shows
        assert (await applicant.get(f"/calls/{slug}/call.pdf")).status_code == 200
        document = (
            await Document.select(Document.verification_code)
            .where(
                (Document.owner_type == "call")
                & (Document.owner_id == call["id"])
                & (Document.kind == "call")
            )
            .first()
        )

        await sweep(
            applicant,
            [
                "/",
                f"/calls/{slug}",
                f"/calls/{slug}/apply",
                "/me/submissions",
                f"/submissions/{sub['id']}",
                f"/submissions/{sub['id']}/proposal",
                f"/submissions/{sub['id']}/questions",
                f"/submissions/{sub['id']}/documents",
                f"/submissions/{sub['id']}/withdraw/confirm",
                "/teams",
                f"/teams/{team['id']}",
                f"/teams/{team['id']}/edit",
                "/account",
                "/account/documents",
                f"/verify?code={document['verification_code']}",
            ],
        )
        # a proposal step that refuses its input, or meets a newer version, shows both back
        form = {
            "title": PAYLOAD * 3,
            "summary": f"Mein {PAYLOAD}",
            "category": "Wasser",
            "version": "1",
        }
        conflict = await post_form(applicant, f"/submissions/{sub['id']}/proposal", form)
        page_ok(conflict, 409)
        assert (
            shown(f"Mein {PAYLOAD}") in conflict.text and shown(f"Neu {PAYLOAD}") in conflict.text
        )
        version = (await applicant.get(f"/api/v1/submissions/{sub['id']}")).json()["version"]
        refused = await post_form(
            applicant, f"/submissions/{sub['id']}/proposal", {**form, "version": str(version)}
        )
        page_ok(refused, 422)
        assert shown(f"Mein {PAYLOAD}") in refused.text
        await sweep(
            staff,
            [
                "/staff/calls",
                f"/staff/calls/{slug}/edit",
                f"/staff/calls/{slug}/submissions",
                f"/staff/calls/{slug}/submissions?q={SHORT}",
                f"/staff/submissions/{sub['id']}",
                "/admin/users",
                f"/admin/users/{applicant.user['id']}",
                f"/admin/audit?object_id={call['id']}",
                f"/admin/audit?action={SHORT}",
                "/admin/outbox",
                "/account/tokens",
            ],
        )  # the outbox: the team invitation's subject
        await sweep(await browser(app, stack, member), [join])
        staff_page = await staff.get(f"/staff/submissions/{sub['id']}")
        assert staff_page.text.count(SHOWN) >= 10  # both versions of the proposal, side by side

        public = await stack.enter_async_context(http_client(app))
        await sweep(
            public, ["/", f"/calls/{slug}", f"/verify?code={document['verification_code']}"]
        )
        await sweep(public, [f"/verify?code={SHORT}"], with_payload=False)  # reflected, not stored
        call_page = (await public.get(f"/calls/{slug}")).text
        assert (
            'href="https://example.org/ok"' in call_page
        )  # Markdown links do render: the check above is not empty
        await mails_to([applicant.user["email"], member["email"]])


async def test_juror_pages_and_what_jurors_write_render_inert(app):
    async with contextlib.AsyncExitStack() as stack:
        staff = await browser(app, stack, roles=("staff", "admin"))
        call = await payload_call(staff)
        slug, call_id = call["slug"], call["id"]
        team_a, entry_a = await payload_proposal(app, stack, call)
        team_b, entry_b = await payload_proposal(app, stack, call, consent=False)
        a, b = entry_a["id"], entry_b["id"]

        # jurors with payload names (and affiliation), and one invited under a payload name, new to the portal
        first = await browser(app, stack, name=f"Jurorin {PAYLOAD}", affiliation=f"Amt {PAYLOAD}")
        second = await browser(app, stack, name=f"Juror {PAYLOAD}")
        for juror in (first, second):
            invited = await post_form(
                staff,
                f"/staff/calls/{slug}/jury/invite",
                {"name": "Jury", "email": juror.user["email"]},
            )
            assert invited.status_code == 303, invited.text
        newcomer = unique_email("neu-jury")
        invited = await post_form(
            staff, f"/staff/calls/{slug}/jury/invite", {"name": f"Neu {PAYLOAD}", "email": newcomer}
        )
        assert invited.status_code == 303, invited.text

        await sweep(first, ["/jury", f"/jury/calls/{slug}"])  # invited, not accepted yet
        accepted = await post_form(first, f"/jury/calls/{slug}/accept", {}, follow_redirects=True)
        page_ok(accepted)
        assert SHOWN in accepted.text  # the declaration: teams, members and titles
        declared = await post_form(
            first,
            f"/jury/calls/{slug}/conflicts",
            {"target": b, "kind": "submission", "reason": f"Kollegin {PAYLOAD}"},
        )
        assert declared.status_code == 303, declared.text
        empty = await post_form(
            first,
            f"/jury/calls/{slug}/conflicts",
            {"target": a, "kind": "submission", "reason": ""},
        )
        page_ok(empty, 422)
        await sweep(first, [f"/jury/calls/{slug}/declaration"])
        completed = await post_form(
            first, f"/jury/calls/{slug}/declaration/complete", {"confirm": "1"}
        )
        assert completed.status_code == 303, completed.text
        assert (
            await api(second, "POST", f"/api/v1/jury/calls/{slug}/declaration/complete")
        ).status_code == 200

        # a suggested conflict's reason is a message: shown translated (team B's owner is on the jury too)
        invited = await post_form(
            staff,
            f"/staff/calls/{slug}/jury/invite",
            {"name": "Jury", "email": team_b.user["email"]},
        )
        assert invited.status_code == 303, invited.text
        await sweep(team_b, [f"/jury/calls/{slug}/declaration"])
        assert (
            "Sie sind Mitglied dieses Teams."
            in (await team_b.get(f"/jury/calls/{slug}/declaration")).text
        )

        # staff write conflicts too: one stays (for the new juror), one is lifted with a reason
        jurors = {
            j["email"]: j["user_id"]
            for j in (await staff.get(f"/api/v1/calls/{slug}/jurors")).json()
        }
        kept = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/conflicts",
            {"juror_id": jurors[newcomer], "submission_id": a, "reason": f"Staff {PAYLOAD}"},
        )
        assert kept.status_code == 201, kept.text
        lifted = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/conflicts",
            {"juror_id": str(second.user["id"]), "submission_id": a, "reason": PAYLOAD},
        )
        assert lifted.status_code == 201, lifted.text
        lift = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/conflicts/{lifted.json()['id']}/lift",
            {"reason": f"Aufgehoben {PAYLOAD}"},
        )
        assert lift.status_code == 200, lift.text
        for juror_id, entry in (
            (first.user["id"], a),
            (second.user["id"], a),
            (second.user["id"], b),
        ):
            assigned = await api(
                staff,
                "POST",
                f"/api/v1/calls/{slug}/assignments",
                {"round": 1, "juror_id": str(juror_id), "submission_id": entry},
            )
            assert assigned.status_code == 201, assigned.text

        # the first juror scores on the page: refused, autosaved, draft, final — the comments come back each time
        await sweep(first, [f"/jury/calls/{slug}", f"/jury/reviews/{a}"])
        form = {
            "score_impact": "7",
            "score_team": "99",
            "comment_impact": f"Nutzen {PAYLOAD}",
            "comment_team": f"Team {PAYLOAD}",
            "comment": f"Geteilt {PAYLOAD}",
            "shareable": "1",
        }
        refused = await post_form(first, f"/jury/reviews/{a}", {**form, "action": "final"})
        page_ok(refused, 422)
        assert refused.text.count(SHOWN) >= 3 + 3  # the proposal, and the three comments typed
        autosaved = await post_form(
            first, f"/jury/reviews/{a}/autosave", {**form, "score_team": "40"}
        )
        page_ok(autosaved)
        draft = await post_form(
            first, f"/jury/reviews/{a}", {**form, "score_team": "40", "action": "draft"}
        )
        page_ok(draft)
        await sweep(first, [f"/jury/reviews/{a}"])
        final = await post_form(
            first,
            f"/jury/reviews/{a}",
            {**form, "score_team": "40", "action": "final", "confirm_final": "1"},
        )
        page_ok(final)
        for entry, shareable in ((a, True), (b, False)):
            review = await api(
                second,
                "PUT",
                f"/api/v1/jury/reviews/{entry}",
                {
                    "round": 1,
                    "scores": {"impact": 5, "team": 20},
                    "comment": f"{'Geteilt' if shareable else 'Intern'} {PAYLOAD}",
                    "comments": {"impact": PAYLOAD, "team": PAYLOAD},
                    "shareable": shareable,
                    "final": True,
                },
            )
            assert review.status_code == 200, review.text

        # a final round with its own rubric, place and name; jurors there see each other's scores
        now = datetime.now(UTC)
        created = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/rounds",
            {
                "number": 2,
                "name": f"Finale {PAYLOAD}",
                "event_place": PAYLOAD,
                "event_at": (now + timedelta(days=20)).isoformat(),
                "share_scores": True,
                "criteria": [
                    {
                        "key": "pitch",
                        "name": f"Pitch {PAYLOAD}",
                        "description": PAYLOAD,
                        "weight": 1,
                        "scale_min": 1,
                        "scale_max": 5,
                    }
                ],
            },
        )
        assert created.status_code == 201, created.text
        for juror in (first, second):
            moved = await api(
                staff,
                "PUT",
                f"/api/v1/calls/{slug}/jurors/{juror.user['id']}",
                {"rounds": [1, 2], "expertise": [SHORT]},
            )
            assert moved.status_code == 200, moved.text
        assert (
            await api(
                staff, "PUT", f"/api/v1/calls/{slug}/rounds/2/entries", {"submission_ids": [a]}
            )
        ).status_code == 200
        for juror in (first, second):
            assigned = await api(
                staff,
                "POST",
                f"/api/v1/calls/{slug}/assignments",
                {"round": 2, "juror_id": str(juror.user["id"]), "submission_id": a},
            )
            assert assigned.status_code == 201, assigned.text
            review = await api(
                juror,
                "PUT",
                f"/api/v1/jury/reviews/{a}",
                {
                    "round": 2,
                    "scores": {"pitch": 4},
                    "comment": f"Finale {PAYLOAD}",
                    "comments": {"pitch": PAYLOAD},
                    "final": True,
                },
            )
            assert review.status_code == 200, review.text
        others = await first.get(f"/api/v1/jury/reviews/{a}/others", params={"round": 2})
        assert others.status_code == 200, others.text
        # the portal shows others' reviews on no page: JSON only, never sniffed as HTML
        assert others.headers["content-type"].startswith("application/json")
        assert others.headers["x-content-type-options"] == "nosniff"
        assert others.json() and PAYLOAD in others.json()[0]["comment"]

        # every juror page, with everything the jurors and teams wrote
        await sweep(
            first,
            [
                "/jury",
                f"/jury/calls/{slug}",
                f"/jury/calls/{slug}/declaration",
                f"/jury/reviews/{a}",
                f"/jury/reviews/{a}?round=2",
            ],
        )
        await sweep(
            second,
            [
                "/jury",
                f"/jury/calls/{slug}",
                f"/jury/calls/{slug}/declaration",
                f"/jury/reviews/{a}",
                f"/jury/reviews/{b}",
                f"/jury/reviews/{a}?round=2",
            ],
        )

        # decisions: the rationale through the page (once refused, shown back) and through the API
        refused = await post_form(
            staff,
            f"/staff/calls/{slug}/results/decide/{a}",
            {"outcome": "winner", "award": "viel", "rationale": f"Begründung {PAYLOAD}"},
        )
        page_ok(refused, 422)
        assert SHOWN in refused.text
        decided = await post_form(
            staff,
            f"/staff/calls/{slug}/results/decide/{a}",
            {"outcome": "winner", "award": "10.000", "rationale": f"Begründung {PAYLOAD}"},
        )
        assert decided.status_code == 303, decided.text
        decided = await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/decisions",
            {"submission_id": b, "outcome": "not_selected", "award_cents": 0, "rationale": PAYLOAD},
        )
        assert decided.status_code == 200, decided.text
        await sweep(
            staff,
            [
                f"/staff/calls/{slug}/jury",
                f"/staff/calls/{slug}/results",
                f"/staff/calls/{slug}/results?round=2",
                f"/staff/calls/{slug}/results?method=normalized",
                f"/staff/calls/{slug}/results/decide/{a}",
                f"/staff/calls/{slug}/results/decide/{b}",
                f"/staff/calls/{slug}/results/publish",
                f"/staff/calls/{slug}/submissions",
                f"/staff/submissions/{a}",
                f"/staff/submissions/{b}",
                f"/admin/users/{first.user['id']}",
                f"/admin/users/{jurors[newcomer]}",
                f"/admin/audit?object_id={a}",
                f"/admin/audit?object_id={call_id}",
                "/admin/audit?action=jury.conflict",
            ],
        )
        jury_page = (await staff.get(f"/staff/calls/{slug}/jury")).text
        assert (
            shown(f"Kollegin {PAYLOAD}") in jury_page and shown(f"Staff {PAYLOAD}") in jury_page
        )  # the conflict reasons, as text
        assert "Sie sind Mitglied dieses Teams." in jury_page

        published = await post_form(staff, f"/staff/calls/{slug}/results/publish", {})
        assert published.status_code == 303, published.text
        await sweep(staff, [f"/staff/calls/{slug}/results", f"/staff/calls/{slug}/results/publish"])
        # the team sees the comments jurors shared (and only those), the public the winner
        await sweep(team_a, [f"/submissions/{a}", "/me/submissions"])
        shared = (await team_a.get(f"/submissions/{a}")).text
        assert shown(f"Geteilt {PAYLOAD}") in shared and shown(f"Intern {PAYLOAD}") not in shared
        await sweep(team_b, [f"/submissions/{b}"])
        public = await stack.enter_async_context(http_client(app))
        await sweep(public, ["/", f"/calls/{slug}", f"/calls/{slug}/results"])
        assert (
            shown(f"Finale {PAYLOAD}") in (await public.get(f"/calls/{slug}")).text
        )  # the final round's name and place
        assert (await Call.select(Call.status).where(Call.id == call_id).first())[
            "status"
        ] == "results_published"
        mails = await mails_to(
            [
                first.user["email"],
                second.user["email"],
                newcomer,
                team_a.user["email"],
                team_b.user["email"],
            ]
        )
        assert {"juror_invitation", "results_outcome"} <= {m["template"] for m in mails}
        assert any(SHOWN in m["body_html"] for m in mails if m["template"] == "results_outcome")
