"""Stored XSS sweep over results, partnerships and open-data pages: payloads in every field a
person can write there (entry, team, rationale, review comment, contract, milestones, evidence
note, amendment rationale) render inert for staff, finance, the partner and the public."""

from challenge.organisations.tables import Organisation
from challenge.submissions.tables import Submission
from tests.challenge.test_xss import PAYLOAD, injected
from tests.conftest import http_client
from tests.partnerships.conftest import running, upload
from tests.support.files import pdf
from tests.support.web import api


async def test_results_partnership_and_project_pages_render_payloads_inert(app, clients):
    entry, partnership, partner = await running(app, clients)
    pid, first = partnership["id"], partnership["milestones"][0]["id"]
    await Submission.update({Submission.title: f"Titel {PAYLOAD}"[:200], Submission.summary: PAYLOAD}).where(
        Submission.id == entry["submission_id"])
    await Organisation.update({Organisation.name: f"Team {PAYLOAD}"[:200]}).where(Organisation.id == entry["team"]["id"])
    await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf(), filename="bericht<img src=x onerror=alert(1)>.pdf",
                 extra={"note": PAYLOAD})
    await api(clients["staff"], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "request_changes", "comment": PAYLOAD})
    await api(clients["staff"], "POST", f"/api/v1/partnerships/{pid}/amendments", {
        "rationale": PAYLOAD, "milestones": [{"id": partnership["milestones"][1]["id"], "deliverables": PAYLOAD}]})
    slug = entry["call"]["slug"]
    pages = {
        "staff": ["/staff/partnerships", f"/staff/partnerships/{pid}", "/staff/funding", f"/staff/calls/{slug}/results",
                  f"/staff/calls/{slug}/results/decide/{entry['submission_id']}", f"/staff/calls/{slug}/results/publish"],
        "finance": [f"/staff/partnerships/{pid}", "/staff/funding"],
    }
    shown = 0
    for role, paths in pages.items():
        for path in paths:
            response = await clients[role].get(path)
            assert response.status_code == 200, (role, path)
            assert not injected(response.text), (role, path, injected(response.text))
            shown += "&lt;x-xss&gt;" in response.text
    assert shown >= 4  # the payloads are on the pages, as text
    for path in ("/partner", f"/partner/partnerships/{pid}", f"/submissions/{entry['submission_id']}"):
        response = await partner.get(path)
        assert response.status_code == 200, path
        assert not injected(response.text), (path, injected(response.text))
    public = http_client(app)
    for path in ("/projects", f"/projects/{pid}", "/opendata", f"/calls/{slug}/results"):
        response = await public.get(path)
        assert response.status_code == 200, path
        assert not injected(response.text), (path, injected(response.text))
    await partner.__aexit__(None, None, None)
