"""How a domain joins the portal: one :class:`Domain` record per package.

Each domain package (``challenge.calls``, ``challenge.jury``, …, and extensions such as
``partnerships`` through the ``challenge.extensions`` entry point) has a ``domain()``
function that returns its record. The application is assembled from these records alone
(``challenge.domains``); platform services that need a domain's help — running its jobs,
reading its documents, exporting a person's data — ask the installed records through this
module instead of importing the domain. Later stages register into earlier ones, never the
reverse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# job kind -> async handler(settings, job, progress) (see platform.jobs.service)
JobHandler = Callable[..., Awaitable[Any]]
# periodic(settings, now): run by the worker about once a minute
Periodic = Callable[..., Awaitable[object]]


@dataclass(frozen=True)
class Domain:
    """Everything the portal needs to know about one domain package."""

    name: str
    routers: Sequence[Any] = ()  # API controllers, page controllers and route handlers
    job_handlers: Mapping[str, JobHandler] = field(default_factory=dict)
    periodic: Sequence[Periodic] = ()
    retention: Sequence[
        Callable[..., Awaitable[int]]
    ] = ()  # retention(settings, now) -> rows deleted (privacy)
    document_readers: Mapping[str, Callable] = field(
        default_factory=dict
    )  # owner_type -> may_read(user, document)
    document_namers: Mapping[str, Callable] = field(
        default_factory=dict
    )  # owner_type -> display name
    document_redactions: Mapping[str, Callable] = field(default_factory=dict)
    # privacy_export(user_id) -> its section of person.json, stored under the domain's name; with
    # privacy_inline its entries sit beside the account's instead (the core domains: the file's
    # layout predates the records)
    privacy_export: Callable[..., Awaitable[dict]] | None = None
    privacy_inline: bool = False
    # privacy_erase(user_id, address) -> {kind: rows removed}; runs inside the erasure's write
    # transaction, later stages first (they may still ask earlier ones, e.g. for the person's teams)
    privacy_erase: Callable[..., Awaitable[dict]] | None = None
    conflict_suggesters: Sequence[Callable] = ()  # see jury.conflicts
    demo: Callable[..., Awaitable[int]] | None = None  # demo(settings) -> rows added
    public_links: Sequence[tuple[str, str]] = ()  # main navigation: (path, label msgid)
    # (path, label msgid, roles or areas); see CurrentUser.sees
    nav_links: Sequence[tuple[str, str, tuple[str, ...]]] = ()
    # (path after /staff/calls/{slug}/, label msgid): a call's pages the domain adds for staff
    staff_call_links: Sequence[tuple[str, str]] = ()
    # Areas the domain opens to a person, as {area: SQL condition}: the condition is true for
    # the person whose id is ``{user}`` (e.g. {"unit": "EXISTS (SELECT 1 FROM unit_members m
    # WHERE m.\"user\" = {user})"}). Read with the session in one query (accounts.sessions).
    user_areas: Mapping[str, str] = field(default_factory=dict)
    # Hooks of later stages into earlier ones:
    call_events: Callable[..., Awaitable[list[dict]]] | None = (
        None  # call_events(call_id): dates on the call page
    )
    call_has_entries: Callable[..., Awaitable[bool]] | None = (
        None  # (call_id): proposals exist, the rubric stays
    )
    challenge_has_entries: Callable[..., Awaitable[bool]] | None = (
        None  # (challenge_id): a proposal that is not withdrawn answers it
    )
    call_challenges: Callable[..., Awaitable[list[dict]]] | None = (
        None  # (call_id): the call's challenges for its page, PDF and calendar
    )
    submission_readers: Sequence[
        Callable[..., Awaitable[bool]]
    ] = ()  # reader(user, submission): who else may read
    # decision_made(actor, call, submission_id, outcome): inside the decision's write
    # transaction, after it is saved (e.g. a stipend agreement for the development phase)
    decision_made: Callable[..., Awaitable[None]] | None = None
    # submission_links(user, submission) -> [(href, label msgid)]: next steps a later stage
    # offers the team on its proposal page (e.g. the development workspace)
    # results_published(actor, call): inside the publication's write transaction (e.g. the
    # development phase's draft agreements take the dates that follow from the publication)
    results_published: Callable[..., Awaitable[None]] | None = None
    submission_links: Callable[..., Awaitable[list[tuple[str, str]]]] | None = None
    # submissions_links(user, submissions) -> {submission id: [(href, label msgid)]}: the same
    # links for a whole list at once (e.g. a page of the unit's proposals) in a constant number
    # of queries; optional beside submission_links, which lists without it ask once per row
    submissions_links: Callable[..., Awaitable[dict]] | None = None
    submission_outcome: Callable[..., Awaitable[dict | None]] | None = (
        None  # outcome(call, submission_id) for the team
    )
    # submission_notices(user, submission) -> [notice dicts]: what a later stage has to say on a
    # proposal's page to its team or staff (e.g. messages: an open information request with its
    # due date, unread messages); keys in challenge.submissions.notices
    submission_notices: Callable[..., Awaitable[list[dict]]] | None = None
    # review_extras(user, submission, blind) -> [section dicts]: what a later stage shows the
    # assigned juror beside the proposal on the review page (e.g. messages: answers staff marked
    # "for the jury"), anonymised like the proposal when ``blind``; keys in challenge.jury.extras
    review_extras: Callable[..., Awaitable[list[dict]]] | None = None
    # entry_actions(user, entry_ids) -> {entry_id: [(href, label msgid)]}: what a later stage
    # offers staff for awarded entries on the ranking page (e.g. starting the partnership), only
    # where its rules would let the action through
    entry_actions: Callable[..., Awaitable[dict]] | None = None
    # {family: {code: (label msgid, tone)}}: the words and badge tone of every status the
    # domain shows (challenge.platform.statuses; tone info, success, warning or danger)
    statuses: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    # dashboard(user, locale) -> [panel dicts]: the domain's part of the person's start page
    # (/dashboard); see challenge.platform.dashboard for the panel's keys
    dashboard: Callable[..., Awaitable[list[dict]]] | None = None
    # {subject type: access(user, subject_id) -> dict | None}: threads on what a later stage
    # holds (e.g. partnerships: "workspace", "partnership"). The answer says who the person is
    # in that thread and what it is about: {"side": team|staff|unit|partner, "call_id",
    # "title", "href", "members": [user ids of the other side to notify]}; None: no access.
    # Jurors never get access (challenge.messages.policies).
    thread_subjects: Mapping[str, Callable[..., Awaitable[dict | None]]] = field(
        default_factory=dict
    )
    # {group name: SQL selecting the user ids ("id") of the group for the call ``{call}``}:
    # groups a later stage adds to the announcements (e.g. partnerships: "partners")
    announcement_audiences: Mapping[str, str] = field(default_factory=dict)
    # challenge_progress(challenge_ids) -> {challenge id: [step dicts]}: what a later stage adds
    # to the public path of a challenge after its results (e.g. partnerships: the pilot and its
    # milestones met); keys of a step in challenge.participation.path
    challenge_progress: Callable[..., Awaitable[dict]] | None = None
    # sso_units(user_id, email, wanted, governed): inside the sign-in's write transaction, make the
    # person a member of the units (by name) the identity provider's groups name and no longer a
    # member of the governed units they do not (CHALLENGE_OIDC_ROLE_MAP's unit:<name> items)
    sso_units: Callable[..., Awaitable[None]] | None = None


_installed: tuple[Domain, ...] = ()


def install(domains: Sequence[Domain]) -> None:
    """Make these records the portal's domains (called once by app assembly and the CLI)."""
    global _installed
    names = [d.name for d in domains]
    if len(names) != len(set(names)):
        raise ValueError(f"two domains share a name: {names}")
    _installed = tuple(domains)


def installed() -> tuple[Domain, ...]:
    """The installed domains, in stage order (platform first, extensions last)."""
    return _installed


def each(attribute: str) -> Iterator[tuple[Domain, Any]]:
    """(domain, value) for every installed domain that sets ``attribute``."""
    for domain in _installed:
        value = getattr(domain, attribute)
        if value:
            yield domain, value
