"""Supports: one per account and problem, withdrawable.

The unique index problem_supports_once decides: ``INSERT … ON CONFLICT DO NOTHING RETURNING``
(and ``DELETE … RETURNING``) tell whether a row changed, and only then the problem's
support_count moves, in the same write transaction, so the count always equals the rows even
under parallel clicks (tests/challenge/participation/test_discussion_supports.py). The problem's
row is locked before its state is read: a merge (which locks it too) waits for a support in
flight, or the support sees the merged state and is refused — none lands on a merged problem."""

from __future__ import annotations

from uuid import UUID, uuid4

from challenge import db
from challenge.participation.discussion import access, limits
from challenge.participation.policies import may_take_part
from challenge.participation.tables import ProblemSupport, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem

INSERT = (
    'INSERT INTO problem_supports (id, problem, "user", created_at) VALUES ({}, {}, {}, {})'
    ' ON CONFLICT (problem, "user") DO NOTHING RETURNING id'
)
DELETE = 'DELETE FROM problem_supports WHERE problem = {} AND "user" = {} RETURNING id'
MORE = "UPDATE problems SET support_count = support_count + 1 WHERE id = {} RETURNING support_count"
# after a support that changed nothing: read once more, since a parallel one may just have
# committed (the unique index made this one wait for it)
COUNT = "SELECT support_count FROM problems WHERE id = {}"
FEWER = (
    "UPDATE problems SET support_count = CASE WHEN support_count > 0 THEN support_count - 1"
    " ELSE 0 END WHERE id = {} RETURNING support_count"
)


def _signed_in(user: CurrentUser | None) -> CurrentUser:
    if not may_take_part(user):
        raise Problem(401, "not_authenticated", N_("Please sign in to support a problem."))
    return user


async def support(user: CurrentUser | None, problem_id: UUID, ip: str) -> dict:
    """Support the problem (a second support changes nothing): {supported, supports}."""
    user = _signed_in(user)
    await limits.supporting(user, ip)
    async with db.write_transaction():
        await access.locked_open_problem(user, problem_id)
        added = await ProblemSupport.raw(INSERT, uuid4(), problem_id, user.id, clock.now())
        rows = await ResidentProblem.raw(MORE if added else COUNT, problem_id)
    return {"supported": True, "supports": rows[0]["support_count"]}


async def withdraw(user: CurrentUser | None, problem_id: UUID, ip: str) -> dict:
    """Withdraw the person's support (nothing to withdraw changes nothing)."""
    user = _signed_in(user)
    await limits.supporting(user, ip)
    async with db.write_transaction():
        await access.locked_open_problem(user, problem_id)
        removed = await ProblemSupport.raw(DELETE, problem_id, user.id)
        rows = await ResidentProblem.raw(FEWER if removed else COUNT, problem_id)
    return {"supported": False, "supports": rows[0]["support_count"]}


async def supports_of(user: CurrentUser | None, problem_id: UUID) -> bool:
    """Whether this person supports the problem (False for visitors)."""
    if user is None:
        return False
    return await ProblemSupport.exists().where(
        (ProblemSupport.problem == problem_id) & (ProblemSupport.user == user.id)
    )
