"""Stored XSS sweep: payloads in every text field people can write, rendered on the staff,
applicant and public pages, must never become elements or attributes."""

from html.parser import HTMLParser

from tests.challenge.test_submissions import open_call
from tests.conftest import http_client
from tests.support.factories import make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)><x-xss></x-xss>\"><svg onload=alert(2)>'"


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
        for name, _value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")


def injected(html: str) -> list[str]:
    finder = InjectionFinder()
    finder.feed(html)
    return finder.found


async def test_payloads_in_every_field_render_inert(app, client):
    call = await open_call(title=f"Aufruf {PAYLOAD}", summary=PAYLOAD, description=PAYLOAD, eligibility=PAYLOAD)
    applicant = await make_user(name=f"Name {PAYLOAD}", affiliation=PAYLOAD)
    await login(client, applicant["email"])
    team = await make_team(applicant["id"], name=f"Team {PAYLOAD}")
    client.team = team
    created = await api(client, "POST", f"/api/v1/calls/{call['slug']}/submissions", {
        "organisation_id": str(team["id"]), "title": f"Titel {PAYLOAD}"[:200], "summary": PAYLOAD, "category": "Hitze",
        "answers": {"problem": PAYLOAD, "licence": "EUPL-1.2"}})
    sub = created.json()
    body, content_type = multipart("a<img src=x onerror=alert(1)>.pdf", pdf())
    await client.post(f"/api/v1/submissions/{sub['id']}/documents", content=body, headers={"content-type": content_type, "x-csrftoken": await csrf(client)})
    submitted = await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
    assert submitted.status_code == 200, submitted.text

    applicant_pages = ["/", f"/calls/{call['slug']}", "/me/submissions", f"/submissions/{sub['id']}",
                       f"/submissions/{sub['id']}/proposal", f"/submissions/{sub['id']}/questions",
                       f"/submissions/{sub['id']}/documents", "/teams", f"/teams/{team['id']}", "/account"]
    for path in applicant_pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert not injected(response.text), (path, injected(response.text))

    async with http_client(app) as staff_browser:
        admin = await make_user(roles=("staff", "admin"))
        await login(staff_browser, admin["email"])
        staff_pages = [f"/staff/calls/{call['slug']}/submissions", f"/staff/submissions/{sub['id']}", "/staff/calls",
                       f"/staff/calls/{call['slug']}/edit", "/admin/users", f"/admin/users/{applicant['id']}",
                       "/admin/audit", "/admin/outbox"]
        for path in staff_pages:
            response = await staff_browser.get(path)
            assert response.status_code == 200, path
            assert not injected(response.text), (path, injected(response.text))

    async with http_client(app) as public:
        for path in ("/", f"/calls/{call['slug']}"):
            response = await public.get(path)
            assert not injected(response.text), (path, injected(response.text))
