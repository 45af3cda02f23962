"""Every route × every role → the expected outcome; a route without an expectation fails."""

import uuid

import pytest

from tests.conftest import http_client
from tests.support.factories import make_call
from tests.support.route_matrix import ANY, ROLES, app_routes, everyone, logged_in, only, outcome_of
from tests.support.web import csrf, login, make_user

STAFF_TOKEN_ROLES = only("staff", "finance", "admin")

EXPECTATIONS = {
    # public pages
    ("GET", "/"): everyone(),
    ("GET", "/calls/{slug:str}"): everyone(),
    ("GET", "/impressum"): everyone(),
    ("GET", "/datenschutz"): everyone(),
    ("GET", "/barrierefreiheit"): everyone(),
    ("GET", "/lang/{code:str}"): everyone(),
    ("GET", "/static/{file_path:path}"): everyone(),
    # operations and docs
    ("GET", "/healthz"): everyone(),
    ("GET", "/readyz"): everyone(),
    ("GET", "/metrics"): everyone(),
    ("GET", "/schema"): everyone(),
    ("GET", "/schema/openapi.json"): everyone(),
    ("GET", "/schema/{path:str}"): everyone(),
    ("GET", "/schema/oauth2-redirect.html"): everyone(),
    # account pages (anyone may try to register, log in, reset)
    ("GET", "/register"): everyone(),
    ("POST", "/register"): everyone(),
    ("GET", "/login"): everyone(),
    ("POST", "/login"): everyone(ANY),
    ("POST", "/logout"): everyone(),
    ("GET", "/account/verify"): everyone(),
    ("POST", "/account/verify"): everyone(),
    ("GET", "/password/forgot"): everyone(),
    ("POST", "/password/forgot"): everyone(),
    ("GET", "/password/reset"): everyone(),
    ("POST", "/password/reset"): everyone(),
    ("GET", "/account"): logged_in(),
    ("POST", "/account/profile"): logged_in(),
    ("POST", "/account/password"): logged_in(),
    ("GET", "/account/tokens"): STAFF_TOKEN_ROLES,
    ("POST", "/account/tokens"): STAFF_TOKEN_ROLES,
    ("POST", "/account/tokens/{token_id:uuid}/revoke"): STAFF_TOKEN_ROLES,
    # admin pages
    ("GET", "/admin/users"): only("admin"),
    ("GET", "/admin/users/{user_id:uuid}"): only("admin"),
    ("POST", "/admin/users/{user_id:uuid}/roles"): only("admin"),
    ("GET", "/admin/users/{user_id:uuid}/roles/{role:str}/revoke"): only("admin"),
    ("POST", "/admin/users/{user_id:uuid}/roles/{role:str}/revoke"): only("admin"),
    ("GET", "/admin/audit"): only("admin"),
    ("GET", "/admin/outbox"): only("admin"),
    # JSON API
    ("GET", "/api/v1/calls"): everyone(),
    ("GET", "/api/v1/calls/{slug:str}"): everyone(),
    ("POST", "/api/v1/calls"): only("staff", "admin"),
    ("GET", "/staff/calls"): only("staff", "admin"),
    ("GET", "/staff/calls/new"): only("staff", "admin"),
    ("POST", "/staff/calls/new"): only("staff", "admin"),
    ("GET", "/staff/calls/{slug:str}/edit"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/edit"): only("staff", "admin"),
    ("GET", "/staff/calls/{slug:str}/publish"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/publish"): only("staff", "admin"),
    ("PATCH", "/api/v1/calls/{slug:str}"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/publish"): only("staff", "admin"),
    ("POST", "/api/v1/auth/register"): everyone(),
    ("POST", "/api/v1/auth/verify"): everyone(),
    ("POST", "/api/v1/auth/login"): everyone(ANY),
    ("POST", "/api/v1/auth/logout"): everyone(),
    ("POST", "/api/v1/auth/password-reset"): everyone(),
    ("POST", "/api/v1/auth/password-reset/confirm"): everyone(),
    ("GET", "/api/v1/me"): logged_in(),
    ("PATCH", "/api/v1/me"): logged_in(),
    ("POST", "/api/v1/me/password"): logged_in(),
    ("GET", "/api/v1/me/tokens"): STAFF_TOKEN_ROLES,
    ("POST", "/api/v1/me/tokens"): STAFF_TOKEN_ROLES,
    ("DELETE", "/api/v1/me/tokens/{token_id:uuid}"): STAFF_TOKEN_ROLES,
    ("GET", "/api/v1/admin/users"): only("admin"),
    ("POST", "/api/v1/admin/users/{user_id:uuid}/roles"): only("admin"),
    ("DELETE", "/api/v1/admin/users/{user_id:uuid}/roles/{role:str}"): only("admin"),
    ("GET", "/api/v1/audit/verify"): only("admin"),
    # organisations and teams
    ("GET", "/api/v1/me/organisations"): logged_in(),
    ("POST", "/api/v1/organisations"): logged_in(),
    ("GET", "/api/v1/organisations/{organisation_id:uuid}"): logged_in(),  # then members only: 404
    ("PATCH", "/api/v1/organisations/{organisation_id:uuid}"): logged_in(),
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/invitations"): logged_in(),
    ("POST", "/api/v1/organisations/invitations/accept"): logged_in(),
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/leave"): logged_in(),
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/owners/{user_id:uuid}"): logged_in(),
    ("DELETE", "/api/v1/organisations/{organisation_id:uuid}/members/{user_id:uuid}"): logged_in(),
    ("GET", "/teams"): logged_in(),
    ("GET", "/teams/new"): logged_in(),
    ("POST", "/teams/new"): logged_in(),
    ("GET", "/teams/{team_id:uuid}"): logged_in(),
    ("GET", "/teams/{team_id:uuid}/edit"): logged_in(),
    ("POST", "/teams/{team_id:uuid}/edit"): logged_in(),
    ("POST", "/teams/{team_id:uuid}/invitations"): logged_in(),
    ("GET", "/teams/{team_id:uuid}/leave"): logged_in(),
    ("POST", "/teams/{team_id:uuid}/leave"): logged_in(),
    ("GET", "/teams/{team_id:uuid}/members/{user_id:uuid}/remove"): logged_in(),
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/remove"): logged_in(),
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/owner"): logged_in(),
    ("GET", "/teams/join"): logged_in(),
    ("POST", "/teams/join"): logged_in(),
    # submissions
    ("POST", "/api/v1/calls/{slug:str}/submissions"): logged_in(),
    ("GET", "/api/v1/calls/{slug:str}/submissions"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/extensions"): only("staff", "admin"),
    ("GET", "/api/v1/submissions/{submission_id:uuid}"): logged_in(),  # then team or staff: 404
    ("PATCH", "/api/v1/submissions/{submission_id:uuid}"): logged_in(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/documents"): logged_in(),
    ("DELETE", "/api/v1/submissions/{submission_id:uuid}/documents/{document_id:uuid}"): logged_in(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/submit"): logged_in(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/withdraw"): logged_in(),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/receipt.pdf"): logged_in(),
    ("GET", "/api/v1/me/submissions"): logged_in(),
    ("GET", "/staff/calls/{slug:str}/submissions"): only("staff", "admin"),
    ("GET", "/staff/submissions/{submission_id:uuid}"): only("staff", "admin"),
    ("POST", "/staff/submissions/{submission_id:uuid}/extension"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/submissions.csv"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/submissions.xlsx"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/attachments.zip"): only("staff", "admin"),
    ("GET", "/calls/{slug:str}/dates.ics"): everyone(),
    ("GET", "/calls/{slug:str}/apply"): logged_in(),
    ("POST", "/calls/{slug:str}/apply"): logged_in(),
    ("GET", "/me/submissions"): logged_in(),
    ("GET", "/submissions/{submission_id:uuid}"): logged_in(),
    ("GET", "/submissions/{submission_id:uuid}/{step:str}"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/{step:str}"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/attachments/upload"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/{step:str}/autosave"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/attachments/{document_id:uuid}/delete"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/submit"): logged_in(),
    ("GET", "/submissions/{submission_id:uuid}/withdraw/confirm"): logged_in(),
    ("POST", "/submissions/{submission_id:uuid}/withdraw"): logged_in(),
    # jury
    ("POST", "/api/v1/calls/{slug:str}/jurors"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/jurors"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/assignments/auto"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/assignments"): only("staff", "admin"),
    ("DELETE", "/api/v1/calls/{slug:str}/assignments/{assignment_id:uuid}"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/conflicts"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/ranking"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/rounds"): only("staff", "admin"),
    ("PUT", "/api/v1/calls/{slug:str}/rounds/{number:int}/entries"): only("staff", "admin"),
    ("PUT", "/api/v1/calls/{slug:str}/jurors/{user_id:uuid}"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/conflicts"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/conflicts/{conflict_id:uuid}/lift"): only("staff", "admin"),
    ("POST", "/api/v1/jury/calls/{slug:str}/accept"): logged_in(),  # then jurors only: 404
    ("GET", "/api/v1/jury/calls/{slug:str}/declaration"): logged_in(),
    ("POST", "/api/v1/jury/calls/{slug:str}/conflicts"): logged_in(),
    ("DELETE", "/api/v1/jury/calls/{slug:str}/conflicts/{conflict_id:uuid}"): logged_in(),
    ("POST", "/api/v1/jury/calls/{slug:str}/declaration/complete"): logged_in(),
    ("GET", "/api/v1/jury/assignments"): logged_in(),
    ("GET", "/api/v1/jury/reviews/{submission_id:uuid}"): logged_in(),
    ("PUT", "/api/v1/jury/reviews/{submission_id:uuid}"): logged_in(),
    ("GET", "/api/v1/jury/reviews/{submission_id:uuid}/others"): logged_in(),
    ("GET", "/jury"): logged_in(),
    ("GET", "/jury/calls/{slug:str}"): logged_in(),  # then jurors only: 404
    ("POST", "/jury/calls/{slug:str}/accept"): logged_in(),
    ("GET", "/jury/calls/{slug:str}/declaration"): logged_in(),
    ("POST", "/jury/calls/{slug:str}/conflicts"): logged_in(),
    ("POST", "/jury/calls/{slug:str}/conflicts/{conflict_id:uuid}/withdraw"): logged_in(),
    ("POST", "/jury/calls/{slug:str}/declaration/complete"): logged_in(),
    ("GET", "/jury/reviews/{submission_id:uuid}"): logged_in(),
    ("POST", "/jury/reviews/{submission_id:uuid}"): logged_in(),
    ("POST", "/jury/reviews/{submission_id:uuid}/autosave"): logged_in(),
    ("GET", "/staff/calls/{slug:str}/jury"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/jury/invite"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/jury/assign"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/jury/conflicts/{conflict_id:uuid}/lift"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/jury/remind"): only("staff", "admin"),
    # results (decisions, publishing, exports, certificates)
    ("POST", "/api/v1/calls/{slug:str}/decisions"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/decisions"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/results/publish"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/results"): everyone(),  # 404 until published
    ("GET", "/api/v1/calls/{slug:str}/scores.csv"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/scores.xlsx"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/jury-report.pdf"): only("staff", "admin"),
    ("POST", "/api/v1/calls/{slug:str}/certificates"): only("staff", "admin"),
    ("GET", "/api/v1/calls/{slug:str}/certificates"): only("staff", "admin"),
    ("GET", "/api/v1/jobs/{job_id:uuid}"): only("staff", "admin"),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/award-letter.pdf"): everyone(),  # team and staff, else 404
    ("GET", "/staff/calls/{slug:str}/results"): only("staff", "admin"),
    ("GET", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/results/rest-not-selected"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/results/shortlist"): only("staff", "admin"),
    ("GET", "/staff/calls/{slug:str}/results/publish"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/results/publish"): only("staff", "admin"),
    ("POST", "/staff/calls/{slug:str}/results/certificates"): only("staff", "admin"),
    ("GET", "/staff/calls/{slug:str}/results/certificates"): only("staff", "admin"),
    ("GET", "/calls/{slug:str}/results"): everyone(),  # 404 until published
    # partnerships (object checks answer 404 to everyone but staff, finance and the partner's members)
    ("POST", "/api/v1/partnerships"): only("staff", "admin"),
    ("GET", "/api/v1/partnerships"): only("staff", "finance", "admin"),
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}"): logged_in(),
    ("PUT", "/api/v1/partnerships/{partnership_id:uuid}"): only("staff", "admin"),
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/contract.pdf"): logged_in(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/send"): only("staff", "admin"),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/signed"): logged_in(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/amendments"): only("staff", "admin"),
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/amendments"): logged_in(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/terminate"): only("staff", "admin"),
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/calendar.ics"): logged_in(),
    ("GET", "/api/v1/milestones/{milestone_id:uuid}"): logged_in(),
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/evidence"): logged_in(),
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/reviews"): only("staff", "admin"),
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/payments"): only("finance"),
    ("GET", "/api/v1/funding"): only("staff", "finance", "admin"),
    ("GET", "/api/v1/calendar/{token:str}/partnerships.ics"): everyone(),  # the secret URL: else 404
    ("GET", "/staff/partnerships"): only("staff", "finance", "admin"),
    ("GET", "/staff/funding"): only("staff", "finance", "admin"),
    ("GET", "/staff/partnerships/new"): only("staff", "admin"),
    ("POST", "/staff/partnerships/new"): only("staff", "admin"),
    ("GET", "/staff/partnerships/{partnership_id:uuid}"): only("staff", "finance", "admin"),
    ("GET", "/staff/partnerships/{partnership_id:uuid}/edit"): only("staff", "admin"),
    ("POST", "/staff/partnerships/{partnership_id:uuid}/edit"): only("staff", "admin"),
    ("POST", "/staff/partnerships/{partnership_id:uuid}/send"): only("staff", "admin"),
    ("POST", "/staff/partnerships/{partnership_id:uuid}/signed"): only("staff", "admin"),
    ("POST", "/staff/partnerships/{partnership_id:uuid}/amend"): only("staff", "admin"),
    ("POST", "/staff/partnerships/{partnership_id:uuid}/terminate"): only("staff", "admin"),
    ("POST", "/staff/milestones/{milestone_id:uuid}/review"): only("staff", "admin"),
    ("POST", "/staff/milestones/{milestone_id:uuid}/payment"): only("finance"),
    ("GET", "/partner"): logged_in(),
    ("GET", "/partner/partnerships/{partnership_id:uuid}"): logged_in(),
    ("POST", "/partner/partnerships/{partnership_id:uuid}/signed"): logged_in(),
    ("POST", "/partner/partnerships/{partnership_id:uuid}/milestones/{milestone_id:uuid}/evidence"): logged_in(),
    # open data and funded projects (public; unsigned partnerships answer 404)
    ("GET", "/api/v1/opendata/ocds/release-package.json"): everyone(),
    ("GET", "/api/v1/opendata/ocds/record-package.json"): everyone(),
    ("GET", "/api/v1/opendata/projects.csv"): everyone(),
    ("GET", "/api/v1/opendata/payments.csv"): everyone(),
    ("GET", "/projects"): everyone(),
    ("GET", "/projects/{project_id:uuid}"): everyone(),
    ("GET", "/opendata"): everyone(),
    # documents
    ("GET", "/calls/{slug:str}/call.pdf"): everyone(),
    ("GET", "/verify"): everyone(),
    ("POST", "/verify"): everyone(),
    ("GET", "/account/documents"): logged_in(),
    ("POST", "/account/documents"): logged_in(),
    ("GET", "/account/documents/{document_id:uuid}/delete"): logged_in(),
    ("POST", "/account/documents/{document_id:uuid}/delete"): logged_in(),
    ("GET", "/api/v1/documents/{document_id:uuid}"): everyone(),  # then the owner's policy: 404
    ("GET", "/api/v1/me/documents"): logged_in(),
    ("POST", "/api/v1/me/documents"): logged_in(),
    ("POST", "/api/v1/me/documents/direct"): logged_in(),
    ("POST", "/api/v1/me/documents/{document_id:uuid}/confirm"): logged_in(),
    ("DELETE", "/api/v1/me/documents/{document_id:uuid}"): logged_in(),
}


def test_every_route_has_an_expectation(app):
    missing = [f"{method} {path}" for method, path in app_routes(app) if (method, path) not in EXPECTATIONS]
    assert not missing, f"routes without an expectation in the matrix: {missing}"
    stale = [f"{method} {path}" for method, path in EXPECTATIONS if (method, path) not in app_routes(app)]
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.fixture
async def role_clients(app):
    clients = {}
    for role in ROLES:
        client = http_client(app)
        await client.__aenter__()
        if role != "anonymous":
            user = await make_user(roles=() if role == "applicant" else (role,))
            await login(client, user["email"])
            client.user_email = user["email"]
        clients[role] = client
    yield clients
    for client in clients.values():
        await client.__aexit__(None, None, None)


async def test_route_matrix(app, role_clients):
    call = await make_call()
    target = await make_user(roles=("staff",))
    values = {
        "{slug:str}": call["slug"],
        "{code:str}": "en",
        "{file_path:path}": "css/app.css",
        "{path:str}": "openapi.yaml",
        "{user_id:uuid}": str(target["id"]),
        "{token_id:uuid}": str(uuid.uuid4()),
        "{document_id:uuid}": str(uuid.uuid4()),
        "{organisation_id:uuid}": str(uuid.uuid4()),
        "{team_id:uuid}": str(uuid.uuid4()),
        "{submission_id:uuid}": str(uuid.uuid4()),
        "{role:str}": "staff",
        "{step:str}": "proposal",
        "{assignment_id:uuid}": str(uuid.uuid4()),
        "{conflict_id:uuid}": str(uuid.uuid4()),
        "{number:int}": "2",
        "{job_id:uuid}": str(uuid.uuid4()),
        "{partnership_id:uuid}": str(uuid.uuid4()),
        "{milestone_id:uuid}": str(uuid.uuid4()),
        "{token:str}": "kein-geheimnis",
        "{project_id:uuid}": str(uuid.uuid4()),
    }
    failures = []
    for method, template in app_routes(app):
        path = template
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        for role, client in role_clients.items():
            headers = {"x-csrftoken": await csrf(client)} if method != "GET" else {}
            response = await client.request(method, path, json={} if method != "GET" else None, headers=headers, follow_redirects=False)
            expected = EXPECTATIONS[(method, template)][role]
            actual = outcome_of(response.status_code, response.headers.get("location"), expected)
            if actual != expected or response.status_code >= 500:
                failures.append(f"{method} {template} as {role}: {response.status_code} ({actual}), expected {expected}")
            if "logout" in template and role != "anonymous":
                await login(client, client.user_email)  # keep the role's session for later routes
    assert not failures, "\n".join(failures)
