"""Reporting comments (anyone) and hiding them (moderators, audited).

A signed-in person reports a comment once (unique index comment_reports_once: a repeat changes
nothing); visitors without an account may report too, limited per IP, their reports without a
reporter but with a keyed hash of their address and the comment (unique index
comment_reports_anonymous: one per address and comment). A hidden comment cannot be reported
(409 ``comment_hidden``). report_count counts the open reports and moves with each one, in the
same transaction; moderators close them (closed_at) by keeping the comment shown or by showing a
hidden one again — the reports stay on record, and a person who reported it once is not counted
again.

Hiding keeps the comment and its replies in place: its text is shown to moderators only, and
everyone reads "Hidden by the moderators: <reason>". Hiding again changes the reason; showing
it again (unhide) brings the text back. Each change is written to the audit log (a repeat that
changes nothing is not). The problem's comment_count counts shown comments with a text: hiding
or showing a comment blanked by an erasure leaves it alone."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID, uuid4

from challenge import db
from challenge.participation.discussion import access, limits
from challenge.participation.discussion.comments import invalid
from challenge.participation.policies import may_moderate
from challenge.participation.tables import CommentReport, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, forbidden
from challenge.platform.security.client_ip import network_key

REASON_MAX = 500
REPORT = (
    "INSERT INTO comment_reports (id, comment, reporter, reason, created_at, reporter_ip_hash)"
    " VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (comment, reporter) DO NOTHING RETURNING id"
)
ANONYMOUS_REPORT = (
    "INSERT INTO comment_reports (id, comment, reporter, reason, created_at, reporter_ip_hash)"
    " VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (comment, reporter_ip_hash)"
    " WHERE reporter IS NULL DO NOTHING RETURNING id"
)
COUNT_REPORT = "UPDATE problem_comments SET report_count = report_count + 1 WHERE id = {}"
HIDE = (
    "UPDATE problem_comments SET hidden_at = {}, hidden_by = {}, hidden_reason = {}"
    " WHERE id = {} AND hidden_at IS NULL RETURNING id, body"
)
NEW_REASON = (
    "UPDATE problem_comments SET hidden_reason = {}, hidden_by = {}"
    " WHERE id = {} AND hidden_at IS NOT NULL AND hidden_reason <> {} RETURNING id"
)
UNHIDE = (
    "UPDATE problem_comments SET hidden_at = NULL, hidden_by = NULL, hidden_reason = '',"
    " report_count = 0 WHERE id = {} AND hidden_at IS NOT NULL RETURNING id, body"
)
CLOSE_REPORTS = "UPDATE comment_reports SET closed_at = {} WHERE comment = {} AND closed_at IS NULL"
KEEP = (
    "UPDATE problem_comments SET report_count = 0"
    " WHERE id = {} AND hidden_at IS NULL AND report_count > 0 RETURNING id"
)
COMMENTS = "UPDATE problems SET comment_count = comment_count {} 1 WHERE id = {{}}"


def _reason(raw: str | None, required: bool) -> str:
    text = " ".join((raw or "").split())
    if required and not text:
        raise invalid([FieldError("reason", N_("Please give a reason."))])
    if len(text) > REASON_MAX:
        raise invalid([FieldError("reason", N_("At most 500 characters, please."))])
    return text


def address_hash(comment_id: UUID, ip: str, secret: str) -> str:
    """A keyed hash of a visitor's address for one comment (the address itself is not kept),
    counted by its network like every per-address measure (IPv6: the /64)."""
    key = f"comment-report:{secret}".encode()
    return hmac.new(key, f"{comment_id}|{network_key(ip)}".encode(), hashlib.sha256).hexdigest()


def _not_hidden(comment: dict) -> None:
    if comment["hidden_at"] is not None:
        raise Problem(
            409, "comment_hidden", N_("This comment is hidden already; it cannot be reported.")
        )


async def report(
    user: CurrentUser | None, comment_id: UUID, reason: str | None, ip: str, secret: str = ""
) -> dict:
    """Report a comment to the moderators; a person's (or an address's) second report is not
    counted again."""
    text = _reason(reason, required=False)
    comment, _problem = await access.open_comment(user, comment_id)
    _not_hidden(comment)
    await limits.reporting(user, ip)
    async with db.write_transaction():
        now = clock.now()
        if user is not None:
            added = await CommentReport.raw(REPORT, uuid4(), comment_id, user.id, text, now, "")
        else:
            hashed = address_hash(comment_id, ip, secret)
            added = await CommentReport.raw(
                ANONYMOUS_REPORT, uuid4(), comment_id, None, text, now, hashed
            )
        if added:
            await CommentReport.raw(COUNT_REPORT, comment_id)
    return {"reported": True}


def _moderator(actor: CurrentUser | None) -> CurrentUser:
    if actor is None:
        raise Problem(401, "not_authenticated", N_("Please log in."))
    if not may_moderate(actor):
        raise forbidden(N_("Only moderators hide comments."))
    return actor


async def _moderated_comment(actor: CurrentUser, comment_id: UUID) -> dict:
    """The comment; moderators may act on any problem's comments, open or not."""
    comment = await access.comment_row(comment_id)
    if comment is None:
        raise Problem(404, "not_found", access.COMMENT_NOT_FOUND)
    return comment


async def hide(actor: CurrentUser | None, comment_id: UUID, reason: str) -> dict:
    """Hide a comment with a reason everyone reads (or change the reason of a hidden one)."""
    actor = _moderator(actor)
    text = _reason(reason, required=True)
    comment = await _moderated_comment(actor, comment_id)
    async with db.write_transaction():
        changed = await ResidentProblem.raw(HIDE, clock.now(), actor.id, text, comment_id)
        if changed:
            if changed[0]["body"]:  # a blanked comment was not counted
                await ResidentProblem.raw(COMMENTS.format("-"), comment["problem"])
        else:
            changed = await ResidentProblem.raw(NEW_REASON, text, actor.id, comment_id, text)
        if not changed:  # hidden already, for this reason: nothing to write
            return {"hidden": True, "hidden_reason": text}
        await record(
            "problem_comment.hidden",
            actor=actor,
            object_type="problem_comment",
            object_id=comment_id,
            payload={"reason": text},
        )
    return {"hidden": True, "hidden_reason": text}


async def unhide(actor: CurrentUser | None, comment_id: UUID) -> dict:
    """Show a hidden comment's text again."""
    actor = _moderator(actor)
    comment = await _moderated_comment(actor, comment_id)
    async with db.write_transaction():
        changed = await ResidentProblem.raw(UNHIDE, comment_id)
        if changed:
            await CommentReport.raw(CLOSE_REPORTS, clock.now(), comment_id)
            if changed[0]["body"]:  # a blanked comment is not counted
                await ResidentProblem.raw(COMMENTS.format("+"), comment["problem"])
            await record(
                "problem_comment.unhidden",
                actor=actor,
                object_type="problem_comment",
                object_id=comment_id,
            )
    return {"hidden": False, "hidden_reason": ""}


async def keep(actor: CurrentUser | None, comment_id: UUID) -> dict:
    """Keep a reported comment shown: its open reports are closed (it leaves the top of the
    moderators' list)."""
    actor = _moderator(actor)
    await _moderated_comment(actor, comment_id)
    async with db.write_transaction():
        if await ResidentProblem.raw(KEEP, comment_id):
            await CommentReport.raw(CLOSE_REPORTS, clock.now(), comment_id)
            await record(
                "problem_comment.kept",
                actor=actor,
                object_type="problem_comment",
                object_id=comment_id,
            )
    return {"hidden": False, "hidden_reason": ""}
