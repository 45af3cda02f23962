"""Every route × every role → the expected outcome, on real objects; a route without an
expectation fails.

The roles and outcomes are defined in tests/support/route_matrix.py, the objects in
tests/support/matrix_world.py, how each route is called in tests/support/matrix_requests.py.
The path parameters name applicant A's real team, proposal, documents and partnership (and a
resident's published problem with B's comment on it), so a 404 means the service refused that
person that object (HIDDEN), and ALLOW means the person was let through to the object (any
answer but 401, 403, 404 or the login redirect — a 409 or 422 from the rules behind it still
counts — and never a 5xx).
"""

import pytest

from tests.support.matrix_requests import (
    FORM_BODIES,
    JSON_BODIES,
    LAST,
    OVERRIDES,
    QUERIES,
    UPLOADS,
    send,
)
from tests.support.matrix_world import build_world
from tests.support.route_matrix import (
    ALLOW,
    ANY,
    DENY,
    HIDDEN,
    LOGIN,
    ROLES,
    a_and_office,
    a_and_staff,
    a_only,
    a_writes,
    app_routes,
    everyone,
    jurors_only,
    logged_in,
    only,
    outcome_of,
    reviewer_only,
)

STAFF_TOKEN_ROLES = only("staff", "finance", "admin")
STAFF = only("staff", "admin")
OFFICE = only("staff", "finance", "admin")
# a problem's path (issue 21): staff and the members of any city unit
SHAPERS = only("unit", "staff", "admin")
PROBLEM_API = "/api/v1/participation/problems/{problem_id:uuid}"
PROBLEM_PAGE = "/mitmachen/{problem_id:uuid}"
UNIT_AND_STAFF = logged_in(HIDDEN, unit=ALLOW, staff=ALLOW, admin=ALLOW)
# information requests are the city's: the team reads them (403), everyone else 404
CITY_ON_REQUESTS = logged_in(HIDDEN, applicant_a=DENY, staff=ALLOW, admin=ALLOW)
# The team's own pages: the assigned juror reads the entry on the review pages instead (404 here).
A_PAGE_WRITES = a_writes(juror_assigned=HIDDEN)

WORKSPACE = a_only(unit=ALLOW, staff=ALLOW, admin=ALLOW)
# the offer is the team's to write: the unit and staff who read it are refused (403)
TEAM_WRITES = a_only(unit=DENY, staff=DENY, admin=DENY)
WORKSPACE_ROUTES = [
    ("GET", "/api/v1/submissions/{submission_id:uuid}/development"),
    ("PUT", "/api/v1/submissions/{submission_id:uuid}/development/checklist/{key:str}"),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/development/meetings"),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/development/files"),
    ("GET", "/development/{submission_id:uuid}"),
    ("POST", "/development/{submission_id:uuid}/checklist/{key:str}"),
    ("POST", "/development/{submission_id:uuid}/meetings"),
    ("POST", "/development/{submission_id:uuid}/files"),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/offer"),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/offer/receipt"),
    ("GET", "/development/{submission_id:uuid}/offer"),
    ("GET", "/development/{submission_id:uuid}/offer/confirm"),
    ("GET", "/development/{submission_id:uuid}/offer/receipt"),
]
OFFER_WRITES = [
    ("PUT", "/api/v1/submissions/{submission_id:uuid}/offer"),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/offer/submit"),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/offer/presentation"),
    ("POST", "/development/{submission_id:uuid}/offer"),
    ("POST", "/development/{submission_id:uuid}/offer/autosave"),
    ("POST", "/development/{submission_id:uuid}/offer/presentation"),
    ("POST", "/development/{submission_id:uuid}/offer/submit"),
]

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
    # operators only (CHALLENGE_METRICS_TOKEN, or a request on the machine itself): 404 for people
    ("GET", "/metrics"): everyone(HIDDEN),
    ("GET", "/schema"): everyone(),
    ("GET", "/schema/openapi.json"): everyone(),
    # Litestar's catch-all for schema documents the portal does not render: 404 for every path
    # and every person, so not an authorisation matter.
    ("GET", "/schema/{path:str}"): everyone(HIDDEN),
    ("GET", "/schema/oauth2-redirect.html"): everyone(),
    # account pages (anyone may try to register, log in, reset)
    ("GET", "/register"): everyone(),
    ("POST", "/register"): everyone(),
    ("GET", "/login"): everyone(),
    # 401 for the missing credentials, then 429 once the login rate limit trips: about the
    # credentials sent, not about who is logged in.
    ("POST", "/login"): everyone(ANY),
    ("POST", "/logout"): everyone(),
    # single sign-on (issue 22): no provider is configured in the matrix world
    ("GET", "/auth/oidc/login"): everyone(HIDDEN),
    ("GET", "/auth/oidc/callback"): everyone(HIDDEN),
    ("POST", "/auth/oidc/link"): everyone(HIDDEN),
    ("GET", "/account/verify"): everyone(),
    ("POST", "/account/verify"): everyone(),
    ("GET", "/password/forgot"): everyone(),
    ("POST", "/password/forgot"): everyone(),
    ("GET", "/password/reset"): everyone(),
    ("POST", "/password/reset"): everyone(),
    ("GET", "/account"): logged_in(),
    ("GET", "/dashboard"): logged_in(),
    ("POST", "/account/profile"): logged_in(),
    ("POST", "/account/password"): logged_in(),
    # the owner lists and revokes their own tokens even after losing the role that made them
    ("GET", "/account/tokens"): logged_in(),
    ("POST", "/account/tokens"): STAFF_TOKEN_ROLES,
    # the token is staff's: another person's token is not found
    ("POST", "/account/tokens/{token_id:uuid}/revoke"): logged_in(HIDDEN, staff=ALLOW),
    # one's own sessions (issue 22 point 5): a handle that is not one's own is not found
    ("GET", "/account/sessions"): logged_in(),
    ("GET", "/account/sessions/end-others"): logged_in(),
    ("POST", "/account/sessions/end-others"): logged_in(),
    ("POST", "/account/sessions/{key:str}/end"): logged_in(HIDDEN),
    ("GET", "/api/v1/me/sessions"): logged_in(),
    ("DELETE", "/api/v1/me/sessions/{key:str}"): logged_in(HIDDEN),
    # two-factor login (issue 22 point 3). Without a sign-in waiting for its second factor
    # (a signed cookie after the password) everyone is sent back to the login.
    ("GET", "/auth/2fa/verify"): everyone(LOGIN),
    ("POST", "/auth/2fa/verify"): everyone(LOGIN),
    ("GET", "/auth/2fa/totp/enrol"): everyone(LOGIN),
    ("POST", "/auth/2fa/totp/enrol"): everyone(LOGIN),
    # 401 for no sign-in waiting or a wrong code: about the code sent, not who is signed in
    ("POST", "/api/v1/auth/2fa/verify"): everyone(ANY),
    ("POST", "/api/v1/auth/2fa/totp/enrol"): logged_in(),
    ("GET", "/account/2fa"): logged_in(),
    ("POST", "/account/2fa/start"): logged_in(),
    # 401 for the wrong code or password sent (or back to the page): about the credentials
    ("POST", "/account/2fa/confirm"): logged_in(ANY),
    ("POST", "/account/2fa/recovery-codes"): logged_in(ANY),
    ("POST", "/account/2fa/disable"): logged_in(ANY),
    ("GET", "/admin/users/{user_id:uuid}/2fa/reset"): only("admin"),
    ("POST", "/admin/users/{user_id:uuid}/2fa/reset"): only("admin"),
    ("DELETE", "/api/v1/admin/users/{user_id:uuid}/2fa"): only("admin"),
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
    ("POST", "/api/v1/calls"): STAFF,
    ("GET", "/staff/calls"): STAFF,
    ("GET", "/staff/calls/new"): STAFF,
    ("POST", "/staff/calls/new"): STAFF,
    ("GET", "/staff/calls/{slug:str}/edit"): STAFF,
    ("POST", "/staff/calls/{slug:str}/edit"): STAFF,
    ("GET", "/staff/calls/{slug:str}/publish"): STAFF,
    ("POST", "/staff/calls/{slug:str}/publish"): STAFF,
    ("PATCH", "/api/v1/calls/{slug:str}"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/publish"): STAFF,
    ("POST", "/api/v1/auth/register"): everyone(),
    ("POST", "/api/v1/auth/verify"): everyone(),
    ("POST", "/api/v1/auth/login"): everyone(),
    ("POST", "/api/v1/auth/logout"): everyone(),
    ("POST", "/api/v1/auth/password-reset"): everyone(),
    ("POST", "/api/v1/auth/password-reset/confirm"): everyone(),
    ("GET", "/api/v1/me"): logged_in(),
    ("PATCH", "/api/v1/me"): logged_in(),
    ("POST", "/api/v1/me/password"): logged_in(),
    ("GET", "/api/v1/me/tokens"): logged_in(),
    ("POST", "/api/v1/me/tokens"): STAFF_TOKEN_ROLES,
    ("DELETE", "/api/v1/me/tokens/{token_id:uuid}"): logged_in(HIDDEN, staff=ALLOW),
    ("GET", "/api/v1/admin/users"): only("admin"),
    ("POST", "/api/v1/admin/users/{user_id:uuid}/roles"): only("admin"),
    ("DELETE", "/api/v1/admin/users/{user_id:uuid}/roles/{role:str}"): only("admin"),
    ("GET", "/api/v1/audit/verify"): only("admin"),
    # organisations and teams: the team's own business; staff see teams through their proposals
    ("GET", "/api/v1/me/organisations"): logged_in(),
    ("POST", "/api/v1/organisations"): logged_in(),
    ("GET", "/api/v1/organisations/{organisation_id:uuid}"): a_only(),
    ("PATCH", "/api/v1/organisations/{organisation_id:uuid}"): a_only(),
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/invitations"): a_only(),
    (
        "POST",
        "/api/v1/organisations/invitations/accept",
    ): logged_in(),  # the token decides, not the role
    (
        "POST",
        "/api/v1/organisations/{organisation_id:uuid}/leave",
    ): a_only(),  # A: 422, the last owner
    ("POST", "/api/v1/organisations/{organisation_id:uuid}/owners/{user_id:uuid}"): a_only(),
    ("DELETE", "/api/v1/organisations/{organisation_id:uuid}/members/{user_id:uuid}"): a_only(),
    ("GET", "/teams"): logged_in(),
    ("GET", "/teams/new"): logged_in(),
    ("POST", "/teams/new"): logged_in(),
    ("GET", "/teams/{team_id:uuid}"): a_only(),
    ("GET", "/teams/{team_id:uuid}/edit"): a_only(),
    ("POST", "/teams/{team_id:uuid}/edit"): a_only(),
    ("POST", "/teams/{team_id:uuid}/invitations"): a_only(),
    ("GET", "/teams/{team_id:uuid}/leave"): a_only(),
    ("POST", "/teams/{team_id:uuid}/leave"): a_only(),
    ("GET", "/teams/{team_id:uuid}/members/{user_id:uuid}/remove"): a_only(),
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/remove"): a_only(),
    ("POST", "/teams/{team_id:uuid}/members/{user_id:uuid}/owner"): a_only(),
    ("GET", "/teams/join"): logged_in(),
    ("POST", "/teams/join"): logged_in(),
    # submissions: the team changes its proposal; staff and the assigned juror read it
    (
        "POST",
        "/api/v1/calls/{slug:str}/submissions",
    ): a_only(),  # for A's team: A 409 (applied already)
    ("GET", "/api/v1/calls/{slug:str}/submissions"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/extensions"): STAFF,
    ("GET", "/api/v1/submissions/{submission_id:uuid}"): a_and_staff(juror_assigned=ALLOW),
    ("PATCH", "/api/v1/submissions/{submission_id:uuid}"): a_writes(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/documents"): a_writes(),
    ("DELETE", "/api/v1/submissions/{submission_id:uuid}/documents/{document_id:uuid}"): a_writes(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/submit"): a_writes(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/withdraw"): a_writes(),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/receipt.pdf"): a_and_staff(),
    ("GET", "/api/v1/me/submissions"): logged_in(),
    ("GET", "/staff/calls/{slug:str}/submissions"): STAFF,
    ("GET", "/staff/submissions/{submission_id:uuid}"): STAFF,
    ("POST", "/staff/submissions/{submission_id:uuid}/extension"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/submissions.csv"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/submissions.xlsx"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/attachments.zip"): STAFF,
    ("GET", "/calls/{slug:str}/dates.ics"): everyone(),
    # units and challenges (issue 17): staff run units; a challenge is read and changed by its
    # unit's members and staff (404 for everyone else); staff review and place challenges
    ("GET", "/api/v1/units"): STAFF,
    ("POST", "/api/v1/units"): STAFF,
    ("POST", "/api/v1/units/{unit_id:uuid}/members"): STAFF,
    ("GET", "/api/v1/challenges"): logged_in(),  # one's own units' challenges (often none)
    ("POST", "/api/v1/challenges"): only("unit", "staff", "admin"),
    ("GET", "/api/v1/challenges/{challenge_id:uuid}"): UNIT_AND_STAFF,
    ("PATCH", "/api/v1/challenges/{challenge_id:uuid}"): UNIT_AND_STAFF,
    ("GET", "/api/v1/challenges/{challenge_id:uuid}/events"): UNIT_AND_STAFF,
    ("POST", "/api/v1/challenges/{challenge_id:uuid}/submit"): UNIT_AND_STAFF,
    ("POST", "/api/v1/challenges/{challenge_id:uuid}/review"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/challenges"): everyone(),
    ("GET", "/calls/{slug:str}/challenges/{key:str}"): everyone(),
    ("POST", "/api/v1/calls/{slug:str}/challenges"): STAFF,
    ("PATCH", "/api/v1/calls/{slug:str}/challenges/{key:str}"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/challenges/{key:str}/withdraw"): STAFF,
    # the owning unit's comments for the jury: written by the unit after the deadline (the call
    # is open: nobody yet), read by staff, the unit and the jurors who read the entry
    ("GET", "/api/v1/submissions/{submission_id:uuid}/unit-comments"): logged_in(
        HIDDEN, juror_assigned=ALLOW, staff=ALLOW, admin=ALLOW
    ),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/unit-comments"): logged_in(HIDDEN),
    ("POST", "/unit/proposals/{submission_id:uuid}/comments"): logged_in(HIDDEN),
    # the unit's pages: its challenges (members only; staff use /staff/challenges), one challenge
    # for its unit and staff
    ("GET", "/unit/challenges"): only("unit"),
    ("GET", "/unit/challenges/new"): only("unit"),
    ("POST", "/unit/challenges/new"): only("unit"),
    ("GET", "/unit/challenges/{challenge_id:uuid}"): UNIT_AND_STAFF,
    ("POST", "/unit/challenges/{challenge_id:uuid}"): UNIT_AND_STAFF,
    ("POST", "/unit/challenges/{challenge_id:uuid}/submit"): UNIT_AND_STAFF,
    # staff pages for units and challenges
    ("GET", "/staff/units"): STAFF,
    ("POST", "/staff/units"): STAFF,
    ("GET", "/staff/units/{unit_id:uuid}"): STAFF,
    ("POST", "/staff/units/{unit_id:uuid}/members"): STAFF,
    ("GET", "/staff/units/{unit_id:uuid}/members/{member_id:uuid}/remove"): STAFF,
    ("POST", "/staff/units/{unit_id:uuid}/members/{member_id:uuid}/remove"): STAFF,
    ("GET", "/staff/challenges"): STAFF,
    ("GET", "/staff/challenges/{challenge_id:uuid}"): STAFF,
    ("GET", "/staff/challenges/{challenge_id:uuid}/edit"): STAFF,
    ("POST", "/staff/challenges/{challenge_id:uuid}/edit"): STAFF,
    ("POST", "/staff/challenges/{challenge_id:uuid}/review"): STAFF,
    ("POST", "/staff/challenges/{challenge_id:uuid}/attach"): STAFF,
    ("GET", "/staff/calls/{slug:str}/challenges"): STAFF,
    ("POST", "/staff/calls/{slug:str}/challenges/{key:str}/move"): STAFF,
    ("GET", "/staff/calls/{slug:str}/challenges/{key:str}/withdraw"): STAFF,
    ("POST", "/staff/calls/{slug:str}/challenges/{key:str}/withdraw"): STAFF,
    # the unit's view of the proposals to its challenge: the call is open, so the unit is refused
    # (403 before the deadline) and reads no proposal yet
    ("GET", "/unit/challenges/{challenge_id:uuid}/proposals"): logged_in(
        HIDDEN, unit=DENY, staff=ALLOW, admin=ALLOW
    ),
    ("GET", "/unit/proposals/{submission_id:uuid}"): logged_in(HIDDEN, staff=ALLOW, admin=ALLOW),
    ("POST", "/api/v1/calls/{slug:str}/challenges/{key:str}/release-ranking"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/challenges/{key:str}/release-ranking"): STAFF,
    # the owning unit reads its challenge's ranking once staff release it (not yet: 403)
    ("GET", "/unit/challenges/{challenge_id:uuid}/ranking"): logged_in(
        HIDDEN, unit=DENY, staff=ALLOW, admin=ALLOW
    ),
    ("GET", "/calls/{slug:str}/apply"): logged_in(),
    ("POST", "/calls/{slug:str}/apply"): a_only(),  # for A's team
    ("GET", "/me/submissions"): logged_in(),
    ("GET", "/submissions/{submission_id:uuid}"): a_and_staff(),
    ("GET", "/submissions/{submission_id:uuid}/{step:str}"): a_and_staff(),
    ("POST", "/submissions/{submission_id:uuid}/{step:str}"): A_PAGE_WRITES,
    ("POST", "/submissions/{submission_id:uuid}/attachments/upload"): A_PAGE_WRITES,
    # staff get the HTMX status line "forbidden" with 200; nothing is saved
    ("POST", "/submissions/{submission_id:uuid}/{step:str}/autosave"): a_and_staff(),
    # these two call the service straight away, which answers a reader who may not change it 403
    ("POST", "/submissions/{submission_id:uuid}/attachments/{document_id:uuid}/delete"): a_writes(),
    ("POST", "/submissions/{submission_id:uuid}/submit"): A_PAGE_WRITES,
    # staff read the team's view but withdrawing is the team's: the confirmation is refused
    ("GET", "/submissions/{submission_id:uuid}/withdraw/confirm"): a_and_staff(
        staff=DENY, admin=DENY
    ),
    ("POST", "/submissions/{submission_id:uuid}/withdraw"): a_writes(),
    # jury: the call's jurors; an entry's content only for the juror assigned to it
    ("POST", "/api/v1/calls/{slug:str}/jurors"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/jurors"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/assignments/auto"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/assignments"): STAFF,
    ("DELETE", "/api/v1/calls/{slug:str}/assignments/{assignment_id:uuid}"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/conflicts"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/ranking"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/rounds"): STAFF,
    ("PUT", "/api/v1/calls/{slug:str}/rounds/{number:int}/entries"): STAFF,
    ("PUT", "/api/v1/calls/{slug:str}/jurors/{user_id:uuid}"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/conflicts"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/conflicts/{conflict_id:uuid}/lift"): STAFF,
    ("POST", "/api/v1/jury/calls/{slug:str}/accept"): jurors_only(),
    ("GET", "/api/v1/jury/calls/{slug:str}/declaration"): jurors_only(),
    ("POST", "/api/v1/jury/calls/{slug:str}/conflicts"): jurors_only(),
    # jurors: 409, the declaration is complete (checked first); the delete only ever touches
    # the juror's own marks
    ("DELETE", "/api/v1/jury/calls/{slug:str}/conflicts/{conflict_id:uuid}"): jurors_only(),
    ("POST", "/api/v1/jury/calls/{slug:str}/declaration/complete"): jurors_only(),
    ("GET", "/api/v1/jury/assignments"): logged_in(),  # one's own, if any
    ("GET", "/api/v1/jury/reviews/{submission_id:uuid}"): reviewer_only(),
    ("PUT", "/api/v1/jury/reviews/{submission_id:uuid}"): reviewer_only(),  # 409: hers is final
    ("GET", "/api/v1/jury/reviews/{submission_id:uuid}/others"): reviewer_only(),
    ("GET", "/jury"): logged_in(),
    ("GET", "/jury/calls/{slug:str}"): jurors_only(),
    ("POST", "/jury/calls/{slug:str}/accept"): jurors_only(),
    ("GET", "/jury/calls/{slug:str}/declaration"): jurors_only(),
    ("POST", "/jury/calls/{slug:str}/conflicts"): jurors_only(),
    (
        "POST",
        "/jury/calls/{slug:str}/conflicts/{conflict_id:uuid}/withdraw",
    ): jurors_only(),  # as above
    ("POST", "/jury/calls/{slug:str}/declaration/complete"): jurors_only(),
    ("GET", "/jury/reviews/{submission_id:uuid}"): reviewer_only(),
    ("POST", "/jury/reviews/{submission_id:uuid}"): reviewer_only(),
    ("POST", "/jury/reviews/{submission_id:uuid}/autosave"): reviewer_only(),
    ("GET", "/staff/calls/{slug:str}/jury"): STAFF,
    ("POST", "/staff/calls/{slug:str}/jury/invite"): STAFF,
    ("POST", "/staff/calls/{slug:str}/jury/assign"): STAFF,
    ("POST", "/staff/calls/{slug:str}/jury/conflicts/{conflict_id:uuid}/lift"): STAFF,
    ("POST", "/staff/calls/{slug:str}/jury/remind"): STAFF,
    # results (decisions, publishing, exports, certificates), on the call whose results are out
    ("POST", "/api/v1/calls/{slug:str}/decisions"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/decisions"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/results/publish"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/results"): everyone(),
    ("GET", "/api/v1/calls/{slug:str}/scores.csv"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/scores.xlsx"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/jury-report.pdf"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/certificates"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/certificates"): STAFF,
    ("GET", "/api/v1/jobs/{job_id:uuid}"): STAFF,
    # the winning team's letter: no login guard, so anonymous is not found either
    ("GET", "/api/v1/submissions/{submission_id:uuid}/award-letter.pdf"): a_and_staff(
        anonymous=HIDDEN
    ),
    ("GET", "/staff/calls/{slug:str}/results"): STAFF,
    ("GET", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/decide/{submission_id:uuid}"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/rest-not-selected"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/shortlist"): STAFF,
    ("GET", "/staff/calls/{slug:str}/results/publish"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/publish"): STAFF,
    ("POST", "/staff/calls/{slug:str}/results/certificates"): STAFF,
    # threads and information requests (issue 20): A's proposal's thread is the team's and
    # staff's (the call is open: the unit reads no proposal yet); the assigned juror never reads
    # it; the partnership's thread is the partner's, staff's and finance's; the workspace's as the
    # workspace (WORKSPACE_ROUTES: the development prefixes name A's selected entry)
    ("GET", "/api/v1/submissions/{submission_id:uuid}/messages"): a_and_staff(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/messages"): a_and_staff(),
    ("GET", "/submissions/{submission_id:uuid}/messages"): a_and_staff(),
    ("POST", "/submissions/{submission_id:uuid}/messages"): a_and_staff(),
    ("GET", "/api/v1/submissions/{submission_id:uuid}/development/messages"): WORKSPACE,
    ("POST", "/api/v1/submissions/{submission_id:uuid}/development/messages"): WORKSPACE,
    ("GET", "/development/{submission_id:uuid}/messages"): WORKSPACE,
    ("POST", "/development/{submission_id:uuid}/messages"): WORKSPACE,
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/messages"): a_and_office(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/messages"): a_and_office(),
    ("GET", "/partnerships/{partnership_id:uuid}/messages"): a_and_office(),
    ("POST", "/partnerships/{partnership_id:uuid}/messages"): a_and_office(),
    # requests: the thread's readers list them; staff ask, show to the jury and withdraw (the team
    # reads, so 403); the team answers (staff read, so 403)
    ("GET", "/api/v1/submissions/{submission_id:uuid}/requests"): a_and_staff(),
    ("POST", "/api/v1/submissions/{submission_id:uuid}/requests"): CITY_ON_REQUESTS,
    ("POST", "/submissions/{submission_id:uuid}/requests"): CITY_ON_REQUESTS,
    ("POST", "/api/v1/requests/{request_id:uuid}/answer"): a_only(staff=DENY, admin=DENY),
    ("POST", "/requests/{request_id:uuid}/answer"): a_only(staff=DENY, admin=DENY),
    ("POST", "/api/v1/requests/{request_id:uuid}/jury"): CITY_ON_REQUESTS,
    ("POST", "/requests/{request_id:uuid}/jury"): CITY_ON_REQUESTS,
    ("POST", "/api/v1/requests/{request_id:uuid}/withdraw"): CITY_ON_REQUESTS,
    ("POST", "/requests/{request_id:uuid}/withdraw"): CITY_ON_REQUESTS,
    ("GET", "/staff/messages"): STAFF,
    # notification settings and one-click unsubscribe (issue 20)
    # the matrix's token is the calendar's: unknown here
    ("GET", "/unsubscribe/{token:str}"): everyone(HIDDEN),
    # 400 without the One-Click body; no session, no CSRF
    ("POST", "/unsubscribe/{token:str}"): everyone(ANY),
    ("GET", "/account/notifications"): logged_in(),
    ("POST", "/account/notifications"): logged_in(),
    ("GET", "/api/v1/me/notifications"): logged_in(),
    ("PUT", "/api/v1/me/notifications"): logged_in(),
    # a person's own thread with the city (announcement copies): the person and staff only
    ("GET", "/messages"): logged_in(),
    ("GET", "/messages/people/{person_id:uuid}"): logged_in(HIDDEN, staff=ALLOW, admin=ALLOW),
    ("POST", "/messages/people/{person_id:uuid}"): logged_in(HIDDEN, staff=ALLOW, admin=ALLOW),
    # announcements (issue 20): staff only
    ("POST", "/api/v1/calls/{slug:str}/announcements"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/announcements/preview"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/announcements"): STAFF,
    ("GET", "/staff/calls/{slug:str}/announcements"): STAFF,
    ("GET", "/staff/calls/{slug:str}/announcements/new"): STAFF,
    ("POST", "/staff/calls/{slug:str}/announcements/preview"): STAFF,
    ("POST", "/staff/calls/{slug:str}/announcements"): STAFF,
    ("GET", "/staff/calls/{slug:str}/results/certificates"): STAFF,
    ("GET", "/calls/{slug:str}/results"): everyone(),
    # mail templates (issue 20): staff and admins; the matrix saves nothing (an empty subject is
    # refused with 422) and resets what is not there
    ("GET", "/api/v1/mail-templates"): STAFF,
    ("PUT", "/api/v1/mail-templates/{mail_key:str}/{locale:str}"): STAFF,
    ("DELETE", "/api/v1/mail-templates/{mail_key:str}/{locale:str}"): STAFF,
    ("POST", "/api/v1/mail-templates/{mail_key:str}/{locale:str}/preview"): STAFF,
    ("GET", "/staff/mail-templates"): STAFF,
    ("GET", "/staff/mail-templates/{mail_key:str}/{locale:str}"): STAFF,
    ("POST", "/staff/mail-templates/{mail_key:str}/{locale:str}"): STAFF,
    ("POST", "/staff/mail-templates/{mail_key:str}/{locale:str}/preview"): STAFF,
    ("GET", "/staff/mail-templates/{mail_key:str}/{locale:str}/reset"): STAFF,
    ("POST", "/staff/mail-templates/{mail_key:str}/{locale:str}/reset"): STAFF,
    # partnerships: the partner's members, staff and finance; everyone else 404
    ("POST", "/api/v1/partnerships"): STAFF,
    ("GET", "/api/v1/partnerships"): OFFICE,
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}"): a_and_office(),
    ("PUT", "/api/v1/partnerships/{partnership_id:uuid}"): STAFF,
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/contract.pdf"): a_and_office(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/send"): STAFF,
    # staff or the partner upload the signed copy (409 now: it is signed); finance reads only
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/signed"): a_and_office(finance=DENY),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/amendments"): STAFF,
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/amendments"): a_and_office(),
    ("POST", "/api/v1/partnerships/{partnership_id:uuid}/terminate"): STAFF,
    ("GET", "/api/v1/partnerships/{partnership_id:uuid}/calendar.ics"): a_and_office(),
    ("GET", "/api/v1/milestones/{milestone_id:uuid}"): a_and_office(),
    # only the partner reports evidence: to everyone else, staff too, there is no such milestone
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/evidence"): a_only(),
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/reviews"): STAFF,
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/payments"): only("finance"),
    ("GET", "/api/v1/funding"): OFFICE,
    # the secret feed URL itself is the authorisation (a wrong token answers 404: test_partnerships)
    ("GET", "/api/v1/calendar/{token:str}/partnerships.ics"): everyone(),
    ("GET", "/staff/partnerships"): OFFICE,
    ("GET", "/staff/funding"): OFFICE,
    ("GET", "/staff/partnerships/new"): STAFF,
    ("POST", "/staff/partnerships/new"): STAFF,
    ("GET", "/staff/partnerships/{partnership_id:uuid}"): OFFICE,
    ("GET", "/staff/partnerships/{partnership_id:uuid}/edit"): STAFF,
    ("POST", "/staff/partnerships/{partnership_id:uuid}/edit"): STAFF,
    ("POST", "/staff/partnerships/{partnership_id:uuid}/send"): STAFF,
    ("POST", "/staff/partnerships/{partnership_id:uuid}/signed"): STAFF,
    ("POST", "/staff/partnerships/{partnership_id:uuid}/amend"): STAFF,
    ("POST", "/staff/partnerships/{partnership_id:uuid}/terminate"): STAFF,
    ("POST", "/staff/milestones/{milestone_id:uuid}/review"): STAFF,
    ("POST", "/staff/milestones/{milestone_id:uuid}/payment"): only("finance"),
    # the partner area is the partner's; staff and finance work on /staff/partnerships
    ("GET", "/partner"): logged_in(),
    ("GET", "/partner/partnerships/{partnership_id:uuid}"): a_only(),
    ("POST", "/partner/partnerships/{partnership_id:uuid}/signed"): a_only(),
    (
        "POST",
        "/partner/partnerships/{partnership_id:uuid}/milestones/{milestone_id:uuid}/evidence",
    ): a_only(),
    # open data and funded projects (public; unsigned partnerships answer 404)
    ("GET", "/api/v1/opendata/ocds/release-package.json"): everyone(),
    ("GET", "/api/v1/opendata/ocds/record-package.json"): everyone(),
    ("GET", "/api/v1/opendata/projects.csv"): everyone(),
    ("GET", "/api/v1/opendata/payments.csv"): everyone(),
    ("GET", "/projects"): everyone(),
    ("GET", "/projects/{project_id:uuid}"): everyone(),
    ("GET", "/opendata"): everyone(),
    # documents: an attachment of A's proposal is read like the proposal; library files by their owner
    ("GET", "/calls/{slug:str}/call.pdf"): everyone(),
    ("GET", "/verify"): everyone(),
    ("POST", "/verify"): everyone(),
    ("GET", "/account/documents"): logged_in(),
    ("POST", "/account/documents"): logged_in(),
    ("GET", "/account/documents/{document_id:uuid}/delete"): a_only(),
    ("POST", "/account/documents/{document_id:uuid}/delete"): a_only(),
    ("GET", "/api/v1/documents/{document_id:uuid}"): a_and_staff(
        anonymous=HIDDEN, juror_assigned=ALLOW
    ),
    ("GET", "/api/v1/me/documents"): logged_in(),
    ("POST", "/api/v1/me/documents"): logged_in(),
    ("POST", "/api/v1/me/documents/direct"): logged_in(),
    (
        "POST",
        "/api/v1/me/documents/{document_id:uuid}/confirm",
    ): a_only(),  # A: 422, nothing arrived
    ("DELETE", "/api/v1/me/documents/{document_id:uuid}"): a_only(),
    # the development phase (issue 18): A's entry is selected in a call whose challenge the unit
    # owns; the team, the owning unit and staff see its workspace and offer, nobody else (404)
    **{route: WORKSPACE for route in WORKSPACE_ROUTES},
    **{route: TEAM_WRITES for route in OFFER_WRITES},
    ("GET", "/api/v1/licences"): everyone(),
    ("GET", "/api/v1/calls/{slug:str}/development"): STAFF,
    ("PUT", "/api/v1/calls/{slug:str}/development"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/development/teams"): STAFF,
    ("GET", "/staff/calls/{slug:str}/development"): STAFF,
    ("POST", "/staff/calls/{slug:str}/development"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/pilots"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/pilots"): STAFF,
    ("GET", "/staff/calls/{slug:str}/pilots"): STAFF,
    ("POST", "/staff/calls/{slug:str}/pilots"): STAFF,
    ("POST", "/api/v1/milestones/{milestone_id:uuid}/verify-bonus"): STAFF,
    ("POST", "/staff/milestones/{milestone_id:uuid}/verify-bonus"): STAFF,
    ("GET", "/api/v1/calls/{slug:str}/pitch"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/pitch"): STAFF,
    ("PUT", "/api/v1/calls/{slug:str}/pitch/slots"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/pitch/panel"): STAFF,
    ("GET", "/staff/calls/{slug:str}/pitch"): STAFF,
    ("POST", "/staff/calls/{slug:str}/pitch"): STAFF,
    ("POST", "/staff/calls/{slug:str}/pitch/move/{submission_id:uuid}"): STAFF,
    ("POST", "/staff/calls/{slug:str}/pitch/panel"): STAFF,
    # the calendar: staff and the scheduled teams; nobody else learns that a pitch exists
    ("GET", "/api/v1/calls/{slug:str}/pitch.ics"): a_and_staff(anonymous=HIDDEN),
    # the pitch's scoring screen: round-2 jurors of the call only (the matrix's jurors judge
    # round 1 of the open call)
    ("GET", "/jury/calls/{slug:str}/pitch"): logged_in(HIDDEN),
    ("POST", "/jury/calls/{slug:str}/pitch/{submission_id:uuid}"): logged_in(HIDDEN),
    ("POST", "/jury/calls/{slug:str}/pitch/{submission_id:uuid}/autosave"): logged_in(HIDDEN),
    # residents' problems (issue 21): proposing needs an account; published problems are public
    ("POST", "/api/v1/participation/problems"): logged_in(),  # 422: the proposal is empty
    ("GET", "/api/v1/participation/problems"): everyone(),
    ("GET", PROBLEM_API): everyone(),
    ("POST", f"{PROBLEM_API}/moderate"): STAFF,  # 409: published already
    ("GET", "/mitmachen"): everyone(),
    ("GET", PROBLEM_PAGE): everyone(),
    ("GET", "/mitmachen/neu"): logged_in(),
    ("POST", "/mitmachen/neu"): logged_in(),  # 422: the form is empty
    ("GET", "/mitmachen/meine"): logged_in(),
    ("GET", "/mitmachen/profil"): logged_in(),
    ("POST", "/mitmachen/profil"): logged_in(),  # 422: no name given
    # moderation (on a pending problem): staff and admins
    ("GET", "/staff/participation"): STAFF,
    ("GET", "/staff/participation/{problem_id:uuid}/merge"): STAFF,
    ("POST", "/staff/participation/{problem_id:uuid}"): STAFF,  # 422: no decision chosen
    # the discussion: supporting and commenting need an account, reading and reporting do not
    ("POST", f"{PROBLEM_API}/support"): logged_in(),
    ("DELETE", f"{PROBLEM_API}/support"): logged_in(),
    ("POST", f"{PROBLEM_API}/comments"): logged_in(),
    ("GET", f"{PROBLEM_API}/comments"): everyone(),
    ("POST", "/api/v1/comments/{comment_id:uuid}/report"): everyone(),
    ("POST", "/api/v1/comments/{comment_id:uuid}/hide"): STAFF,
    ("POST", "/api/v1/comments/{comment_id:uuid}/unhide"): STAFF,
    ("POST", "/api/v1/comments/{comment_id:uuid}/keep"): STAFF,
    ("POST", f"{PROBLEM_PAGE}/unterstuetzen"): logged_in(),
    ("POST", f"{PROBLEM_PAGE}/unterstuetzen/zurueckziehen"): logged_in(),
    ("POST", f"{PROBLEM_PAGE}/kommentare"): logged_in(),
    ("GET", f"{PROBLEM_PAGE}/kommentare/{{comment_id:uuid}}/melden"): everyone(),
    ("POST", f"{PROBLEM_PAGE}/kommentare/{{comment_id:uuid}}/melden"): everyone(),
    ("GET", "/staff/participation/comments"): STAFF,
    ("POST", "/staff/participation/comments/{comment_id:uuid}/hide"): STAFF,
    ("POST", "/staff/participation/comments/{comment_id:uuid}/unhide"): STAFF,
    ("POST", "/staff/participation/comments/{comment_id:uuid}/keep"): STAFF,
    # a problem's path: staff and the members of a city unit shape an unlinked problem (the unit
    # role drafts or links; staff then meet 409, linked already); only staff unlink
    ("POST", f"{PROBLEM_API}/challenge"): SHAPERS,
    ("PUT", f"{PROBLEM_API}/link"): SHAPERS,
    ("DELETE", f"{PROBLEM_API}/link"): STAFF,
    ("GET", f"{PROBLEM_PAGE}/weg"): SHAPERS,
    ("POST", f"{PROBLEM_PAGE}/weg/challenge"): SHAPERS,
    ("POST", f"{PROBLEM_PAGE}/weg/verknuepfen"): SHAPERS,
    ("GET", f"{PROBLEM_PAGE}/weg/trennen"): STAFF,
    ("POST", f"{PROBLEM_PAGE}/weg/trennen"): STAFF,
    ("GET", "/opendata/participation/problems.csv"): everyone(),
    ("GET", "/opendata/participation/problems.json"): everyone(),
    ("GET", "/opendata/participation/votes.csv"): everyone(),
    ("GET", "/opendata/participation/votes.json"): everyone(),
    # the people's prize of the open call (open now: A's and B's entries stand, A's consented)
    ("POST", "/api/v1/calls/{slug:str}/vote"): STAFF,  # 422: no candidates
    ("GET", "/api/v1/calls/{slug:str}/vote"): everyone(),
    ("PUT", "/api/v1/calls/{slug:str}/vote/{challenge:str}"): logged_in(),
    ("GET", "/api/v1/calls/{slug:str}/vote/results"): everyone(),  # 409 until the close
    ("GET", "/api/v1/calls/{slug:str}/vote/votes"): STAFF,
    ("POST", "/api/v1/calls/{slug:str}/vote/void"): STAFF,  # 422: no votes named
    ("GET", "/mitmachen/publikumspreis/{slug:str}"): everyone(),
    ("POST", "/mitmachen/publikumspreis/{slug:str}"): logged_in(),  # 422: no candidate chosen
    # the team's consent to stand: A's team only (staff too are told there is no candidacy)
    ("GET", "/submissions/{submission_id:uuid}/people-prize"): a_only(),
    ("POST", "/submissions/{submission_id:uuid}/people-prize"): a_only(),
    ("GET", "/staff/calls/{slug:str}/people-prize"): STAFF,
    ("POST", "/staff/calls/{slug:str}/people-prize"): STAFF,
    ("POST", "/staff/calls/{slug:str}/people-prize/candidates/{submission_id:uuid}"): STAFF,
    ("POST", "/staff/calls/{slug:str}/people-prize/void"): STAFF,
}


def test_every_route_has_an_expectation(app):
    routes = set(app_routes(app))
    missing = [
        f"{method} {path}" for method, path in sorted(routes) if (method, path) not in EXPECTATIONS
    ]
    assert not missing, f"routes without an expectation in the matrix: {missing}"
    stale = [f"{method} {path}" for method, path in EXPECTATIONS if (method, path) not in routes]
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    settings = [*OVERRIDES, *QUERIES, *JSON_BODIES, *FORM_BODIES, *UPLOADS, *LAST]
    stale = [f"{method} {path}" for method, path in settings if (method, path) not in routes]
    assert not stale, f"matrix settings for routes that no longer exist: {stale}"


@pytest.fixture
async def world(app):
    built = await build_world(app)
    yield built
    await built.close()


async def test_route_matrix(app, world):
    routes = [route for route in app_routes(app) if route not in LAST] + LAST
    failures = []
    for method, template in routes:
        for role in ROLES:
            response = await send(world, method, template, role)
            expected = EXPECTATIONS[(method, template)][role]
            actual = outcome_of(response.status_code, response.headers.get("location"), expected)
            if actual != expected or response.status_code >= 500:
                failures.append(
                    f"{method} {template} as {role}: {response.status_code} ({actual}), expected {expected}"
                )
            if "logout" in template and role != "anonymous":
                await world.relogin(role)  # keep the role's session for later routes
    assert not failures, "\n".join(failures)
