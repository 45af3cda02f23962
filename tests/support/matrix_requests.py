"""How the route matrix calls each route: which object each path parameter names (per route and,
where two roles destroy one each, per role), the query and the body it sends, and which routes
run last. The expectations themselves are in tests/challenge/test_route_matrix.py."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.files import multipart, pdf
from tests.support.matrix_world import World
from tests.support.route_matrix import fill, placeholders
from tests.support.web import csrf

# What each path parameter names by default: a key of World.objects, or a constant. {slug} is the
# open call (A's and B's proposals, the jury); the results routes use the call whose results are
# published (RESULTS below). {user_id} is A's teammate; admin routes name users with a role.
OBJECTS = {
    "slug": "call",
    "submission_id": "submission",
    "organisation_id": "team",
    "team_id": "team",
    "document_id": "attachment",
    "user_id": "teammate",
    "conflict_id": "conflict",
    "token_id": "staff_token",
    "partnership_id": "partnership",
    "project_id": "partnership",
    "milestone_id": "milestone",
    "job_id": "job",
    "token": "calendar_token",
    "unit_id": "unit",
    "challenge_id": "challenge",
    "request_id": "information_request",
    "person_id": "teammate",  # a person's own thread with the city: theirs and staff's
    "problem_id": "problem",  # a resident's published problem (issue 21)
    "comment_id": "comment",  # B's comment on it
}
CONSTANTS = {
    "code": "en",
    "file_path": "css/app.css",
    "path": "openapi.yaml",
    "role": "staff",
    "step": "proposal",
    "number": "1",
    "key": "a",
    "mail_key": "juror_reminder",
    "locale": "de",
    "challenge": "a",  # the people's prize ballot of challenge "a" (A's entry stands there)
}

RESULTS = {"slug": "call_with_results"}
RESULTS_ROUTES = [
    ("POST", "/api/v1/calls/{slug:str}/decisions"),
    ("GET", "/api/v1/calls/{slug:str}/decisions"),
    ("POST", "/api/v1/calls/{slug:str}/results/publish"),
    ("GET", "/api/v1/calls/{slug:str}/results"),
    ("GET", "/api/v1/calls/{slug:str}/scores.csv"),
    ("GET", "/api/v1/calls/{slug:str}/scores.xlsx"),
    ("GET", "/api/v1/calls/{slug:str}/jury-report.pdf"),
    ("GET", "/api/v1/calls/{slug:str}/certificates"),
    ("GET", "/staff/calls/{slug:str}/results"),
    ("POST", "/staff/calls/{slug:str}/results/rest-not-selected"),
    ("POST", "/staff/calls/{slug:str}/results/shortlist"),
    ("GET", "/staff/calls/{slug:str}/results/publish"),
    ("POST", "/staff/calls/{slug:str}/results/publish"),
    ("GET", "/staff/calls/{slug:str}/results/certificates"),
    ("GET", "/calls/{slug:str}/results"),
]
# The development phase's routes name the call in that phase and A's selected entry in it.
DEVELOPMENT = {
    "slug": "development_call",
    "submission_id": "selected_submission",
    "key": "checklist_key",
}
DEVELOPMENT_PREFIXES = (
    "/api/v1/submissions/{submission_id:uuid}/development",
    "/api/v1/submissions/{submission_id:uuid}/offer",
    "/development/",
    "/api/v1/calls/{slug:str}/development",
    "/api/v1/calls/{slug:str}/pilots",
    "/api/v1/calls/{slug:str}/pitch",
    "/staff/calls/{slug:str}/development",
    "/staff/calls/{slug:str}/pilots",
    "/staff/calls/{slug:str}/pitch",
    "/jury/calls/{slug:str}/pitch",
)


def development_route(template: str) -> bool:
    """Whether a route belongs to the development phase (and takes DEVELOPMENT's objects)."""
    return template.startswith(DEVELOPMENT_PREFIXES)


PROBLEM_API = "/api/v1/participation/problems/{problem_id:uuid}"
PROBLEM_PAGE = "/mitmachen/{problem_id:uuid}"

# Routes that need another object. Results live on the call whose results are published (the
# open call has none yet), except starting certificates: a job for the open call renders nothing
# when a later test drains the job queue. Routes that destroy something get an object of their
# own, so no other route finds it gone; the assignment delete, allowed to two roles, one each.
OVERRIDES: dict[tuple[str, str], dict[str, str | dict[str, str]]] = {
    **{route: RESULTS for route in RESULTS_ROUTES},
    ("GET", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): {
        **RESULTS,
        "submission_id": "awarded_submission",
    },
    ("POST", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): {
        **RESULTS,
        "submission_id": "awarded_submission",
    },
    ("GET", "/api/v1/submissions/{submission_id:uuid}/award-letter.pdf"): {
        "submission_id": "awarded_submission"
    },
    ("DELETE", "/api/v1/calls/{slug:str}/assignments/{assignment_id:uuid}"): {
        "assignment_id": {
            "admin": "assignment_deleted_by_admin",
            "*": "assignment_deleted_by_staff",
        }
    },
    ("DELETE", "/api/v1/submissions/{submission_id:uuid}/documents/{document_id:uuid}"): {
        "document_id": "attachment_deleted_by_api"
    },
    ("POST", "/submissions/{submission_id:uuid}/attachments/{document_id:uuid}/delete"): {
        "document_id": "attachment_deleted_by_page"
    },
    ("GET", "/account/documents/{document_id:uuid}/delete"): {"document_id": "library_document"},
    ("POST", "/account/documents/{document_id:uuid}/delete"): {
        "document_id": "library_document_deleted_by_page"
    },
    ("DELETE", "/api/v1/me/documents/{document_id:uuid}"): {
        "document_id": "library_document_deleted_by_api"
    },
    ("POST", "/api/v1/me/documents/{document_id:uuid}/confirm"): {
        "document_id": "library_document_pending"
    },
    ("DELETE", "/api/v1/organisations/{organisation_id:uuid}/members/{user_id:uuid}"): {
        "user_id": "member_removed_by_api"
    },
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/remove"): {
        "user_id": "member_removed_by_page"
    },
    # a second team of A's: with two owners, A could leave her main team
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/owners/{user_id:uuid}"): {
        "organisation_id": "team_spare",
        "user_id": "new_owner",
    },
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/owner"): {
        "team_id": "team_spare",
        "user_id": "new_owner",
    },
    # releasing a ranking to its unit: challenge b's, so the unit role's challenge a stays unreleased
    ("POST", "/api/v1/calls/{slug:str}/challenges/{key:str}/release-ranking"): {"key": "key_b"},
    ("POST", "/staff/calls/{slug:str}/results/challenges/{key:str}/release-ranking"): {
        "key": "key_b"
    },
    # two spare members of the world's unit: staff and admin remove one each
    ("GET", "/staff/units/{unit_id:uuid}/members/{member_id:uuid}/remove"): {
        "member_id": "unit_member_removed_by_staff"
    },
    ("POST", "/staff/units/{unit_id:uuid}/members/{member_id:uuid}/remove"): {
        "member_id": {
            "admin": "unit_member_removed_by_admin",
            "*": "unit_member_removed_by_staff",
        }
    },
    ("GET", "/admin/users/{user_id:uuid}"): {"user_id": "role_holder"},
    ("GET", "/admin/users/{user_id:uuid}/2fa/reset"): {"user_id": "role_holder"},
    ("POST", "/admin/users/{user_id:uuid}/2fa/reset"): {"user_id": "role_holder"},
    ("DELETE", "/api/v1/admin/users/{user_id:uuid}/2fa"): {"user_id": "role_holder"},
    ("POST", "/admin/users/{user_id:uuid}/roles"): {"user_id": "role_holder"},
    ("GET", "/admin/users/{user_id:uuid}/roles/{role:str}/revoke"): {"user_id": "role_holder"},
    ("POST", "/admin/users/{user_id:uuid}/roles/{role:str}/revoke"): {
        "user_id": "role_revoked_by_page"
    },
    ("POST", "/api/v1/admin/users/{user_id:uuid}/roles"): {"user_id": "role_holder"},
    ("DELETE", "/api/v1/admin/users/{user_id:uuid}/roles/{role:str}"): {
        "user_id": "role_revoked_by_api"
    },
    ("PUT", "/api/v1/calls/{slug:str}/jurors/{user_id:uuid}"): {"user_id": "juror"},
    # a problem's path (issue 21): each route that links a problem takes a problem of its own
    # (the unit shapes only unlinked ones); unlinking takes one that staff linked
    **{
        route: {"problem_id": problem}
        for route, problem in (
            (("POST", f"{PROBLEM_API}/challenge"), "problem_drafted_by_api"),
            (("PUT", f"{PROBLEM_API}/link"), "problem_linked_by_api"),
            (("DELETE", f"{PROBLEM_API}/link"), "problem_unlinked"),
            (("POST", f"{PROBLEM_PAGE}/weg/challenge"), "problem_drafted_by_page"),
            (("POST", f"{PROBLEM_PAGE}/weg/verknuepfen"), "problem_linked_by_page"),
            (("GET", f"{PROBLEM_PAGE}/weg/trennen"), "problem_linked"),
            (("POST", f"{PROBLEM_PAGE}/weg/trennen"), "problem_unlinked"),
            # moderation pages: a problem still waiting for its decision
            (("GET", "/staff/participation/{problem_id:uuid}/merge"), "problem_pending"),
            (("POST", "/staff/participation/{problem_id:uuid}"), "problem_pending"),
        )
    },
}
QUERIES = {("GET", "/staff/partnerships/new"): lambda o: {"submission": o["awarded_submission"]}}

Body = Callable[[dict[str, str]], dict]
# Mutating routes get an empty body, except where the schema would refuse that with 422 before
# the object check runs (for everyone alike) or where it would do too much: these bodies pass the
# schema and are refused by the rules behind the check, or do no harm.
JSON_BODIES: dict[tuple[str, str], Body] = {
    # mail templates: an empty subject passes the schema and is refused (422) by the rules
    ("PUT", "/api/v1/mail-templates/{mail_key:str}/{locale:str}"): lambda o: {
        "subject": "",
        "body": "",
    },
    ("POST", "/api/v1/mail-templates/{mail_key:str}/{locale:str}/preview"): lambda o: {
        "subject": "Matrix",
        "body": "Matrix",
    },
    ("POST", "/api/v1/calls/{slug:str}/submissions"): lambda o: {"organisation_id": o["team"]},
    ("PATCH", "/api/v1/submissions/{submission_id:uuid}"): lambda o: {"version": 0},
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/invitations"): lambda o: {
        "email": "keine-adresse"
    },
    ("POST", "/api/v1/jury/calls/{slug:str}/conflicts"): lambda o: {
        "submission_id": o["submission"],
        "reason": "",
    },
    ("POST", "/api/v1/me/documents/{document_id:uuid}/confirm"): lambda o: {"sha256": "0" * 64},
    ("POST", "/api/v1/submissions/{submission_id:uuid}/unit-comments"): lambda o: {
        "body": "Matrix"
    },
    # messages and requests: bodies the schemas take; a request due in the past is refused (422)
    # once the object check passed, so the matrix asks the team nothing
    **{
        ("POST", path): lambda o: {"body": "Matrix"}
        for path in (
            "/api/v1/submissions/{submission_id:uuid}/messages",
            "/api/v1/submissions/{submission_id:uuid}/development/messages",
            "/api/v1/partnerships/{partnership_id:uuid}/messages",
            "/api/v1/requests/{request_id:uuid}/answer",
        )
    },
    ("POST", "/api/v1/submissions/{submission_id:uuid}/requests"): lambda o: {
        "question": "Matrix?",
        "due_at": "2020-01-01T00:00:00+00:00",
    },
    ("POST", "/api/v1/requests/{request_id:uuid}/jury"): lambda o: {"for_jury": False},
    # a body the schema takes, so the object check decides (it drafts a harmless challenge)
    ("POST", "/api/v1/challenges"): lambda o: {"unit_id": o["unit"], "title": "Matrix"},
    # bodies the schemas take, refused by the service's rules once the object check passed
    ("PUT", "/api/v1/submissions/{submission_id:uuid}/development/checklist/{key:str}"): lambda o: {
        "status": "unbekannt",
        "owner": "city",
    },
    ("POST", "/api/v1/submissions/{submission_id:uuid}/development/meetings"): lambda o: {
        "held_at": "2026-01-01T10:00:00+01:00",
        "participants": "",
    },
    # participation (issue 21): bodies the schemas take, refused by the rules once the person
    # and the object passed (the proposal is empty; the problem is published already; no
    # candidates; no votes named), or harmless (a support, a comment, a vote, a report)
    ("POST", "/api/v1/participation/problems"): lambda o: dict.fromkeys(
        ("title", "description", "district", "topic"), ""
    ),
    ("POST", f"{PROBLEM_API}/moderate"): lambda o: {"decision": "publish"},
    ("POST", f"{PROBLEM_API}/comments"): lambda o: {"body": "Matrix"},
    ("POST", "/api/v1/comments/{comment_id:uuid}/hide"): lambda o: {"reason": "Matrix"},
    ("POST", f"{PROBLEM_API}/challenge"): lambda o: {"unit_id": o["unit"]},
    ("PUT", f"{PROBLEM_API}/link"): lambda o: {"challenge_id": o["challenge"]},
    ("POST", "/api/v1/calls/{slug:str}/vote"): lambda o: {
        "opens_at": "2026-01-01T00:00:00+00:00",
        "closes_at": "2026-02-01T00:00:00+00:00",
        "candidates": [],
    },
    ("PUT", "/api/v1/calls/{slug:str}/vote/{challenge:str}"): lambda o: {
        "submission_id": o["submission"]
    },
    ("POST", "/api/v1/calls/{slug:str}/vote/void"): lambda o: {"reason": "Matrix"},
    # an empty body would run the assignment with its defaults
    ("POST", "/api/v1/calls/{slug:str}/assignments/auto"): lambda o: {
        "round": 1,
        "reviews_per_submission": 0,
    },
}
FORM_BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/staff/mail-templates/{mail_key:str}/{locale:str}"): lambda o: {"subject": ""},
    ("POST", "/calls/{slug:str}/apply"): lambda o: {"organisation_id": o["team"]},
    ("POST", "/submissions/{submission_id:uuid}/submit"): lambda o: {"confirm": "1"},
    ("POST", "/unit/proposals/{submission_id:uuid}/comments"): lambda o: {"body": "Matrix"},
    ("POST", "/staff/partnerships/new"): lambda o: {"submission_id": o["awarded_submission"]},
    ("POST", "/submissions/{submission_id:uuid}/requests"): lambda o: {
        "question": "Matrix?",
        "due_at": "",
    },
    # participation's forms (issue 21): a comment and a report are harmless; shaping a problem
    # names the unit role's unit and challenge; staff hide with a reason (and show it again)
    ("POST", f"{PROBLEM_PAGE}/kommentare"): lambda o: {"body": "Matrix"},
    ("POST", f"{PROBLEM_PAGE}/kommentare/{{comment_id:uuid}}/melden"): lambda o: {
        "reason": "Matrix"
    },
    ("POST", f"{PROBLEM_PAGE}/weg/challenge"): lambda o: {"unit_id": o["unit"]},
    ("POST", f"{PROBLEM_PAGE}/weg/verknuepfen"): lambda o: {"challenge_id": o["challenge"]},
    ("POST", "/staff/participation/comments/{comment_id:uuid}/hide"): lambda o: {
        "reason": "Matrix"
    },
    # a text staff may no longer change: the voting is open (409)
    ("POST", "/staff/calls/{slug:str}/people-prize/candidates/{submission_id:uuid}"): lambda o: {
        "public_title": "Schattenplaner",
        "summary": "Wir planen Schatten für alle.",
    },
}
UPLOADS = {
    ("POST", "/api/v1/submissions/{submission_id:uuid}/documents"),
    ("POST", "/submissions/{submission_id:uuid}/attachments/upload"),
    # the message and answer forms (multipart: without a text they are refused with 422)
    ("POST", "/submissions/{submission_id:uuid}/messages"),
    ("POST", "/development/{submission_id:uuid}/messages"),
    ("POST", "/partnerships/{partnership_id:uuid}/messages"),
    ("POST", "/messages/people/{person_id:uuid}"),
    ("POST", "/requests/{request_id:uuid}/answer"),
    # proposing a problem on the page (multipart: without its fields it is refused with 422)
    ("POST", "/mitmachen/neu"),
}
# Run after every other route, in this order: they end A's proposal.
LAST = [
    ("POST", "/api/v1/submissions/{submission_id:uuid}/withdraw"),
    ("POST", "/submissions/{submission_id:uuid}/withdraw"),
]


def path_for(world: World, method: str, template: str, role: str) -> str:
    """The template with the role's objects filled in."""
    overrides = OVERRIDES.get((method, template)) or (
        DEVELOPMENT if development_route(template) else {}
    )
    values = {}
    for name in placeholders(template):
        choice = overrides.get(name, OBJECTS.get(name))
        if isinstance(choice, dict):
            choice = choice.get(role, choice["*"])
        values[name] = CONSTANTS[name] if choice is None else world.objects[choice]
    return fill(template, values)


async def send(world: World, method: str, template: str, role: str) -> httpx.Response:
    """The route's request as the role (CSRF header on unsafe methods, as the portal's forms and JS)."""
    client = world.clients[role]
    route = (method, template)
    kwargs: dict = {"follow_redirects": False}
    if route in QUERIES:
        kwargs["params"] = QUERIES[route](world.objects)
    if method != "GET":
        kwargs["headers"] = {"x-csrftoken": await csrf(client)}
        if route in UPLOADS:
            body, content_type = multipart("Anlage.pdf", pdf("Matrix"))
            kwargs["content"], kwargs["headers"]["content-type"] = body, content_type
        elif route in FORM_BODIES:
            kwargs["data"] = FORM_BODIES[route](world.objects)
        else:
            kwargs["json"] = JSON_BODIES.get(route, lambda o: {})(world.objects)
    return await client.request(method, path_for(world, method, template, role), **kwargs)
