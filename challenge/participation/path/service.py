"""Turning a resident's problem into a challenge draft, or linking it to an existing challenge
(issue 21, point 3). Every change is audited; a problem takes one challenge, and of two people
acting at once on an unlinked problem one wins (409 ``problem_linked`` for the other)."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.challenges import intake
from challenge.challenges.schemas import ChallengeIn
from challenge.challenges.tables import Challenge, Unit
from challenge.participation.path.policies import may_use_challenge, path_rights
from challenge.participation.policies import may_see_problem
from challenge.participation.tables import ProblemNotice, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, forbidden, not_found

CLOSED = ("declined", "withdrawn")  # challenges a problem cannot be linked to
TITLE_MAX = 200
CHOICES_MAX = 200  # challenges offered in the link form
TEXT_MAX = 20_000


async def load_problem(user, problem_id: UUID) -> dict:
    """The problem as stored; 404 when unknown or not visible to this person."""
    row = await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()
    if row is None or not may_see_problem(user, row):
        raise not_found(N_("Problem not found"))
    return row


async def _rights(actor, problem: dict, wanted: str) -> dict:
    if problem["status"] != "published":
        raise Problem(
            409,
            "problem_not_published",
            N_("Only a published problem can become part of a challenge."),
        )
    rights = await path_rights(actor, problem)
    if rights[wanted]:
        return rights
    if problem["challenge"] is not None and (rights["staff"] or rights["units"]):
        raise Problem(409, "problem_linked", N_("This problem is already linked to a challenge."))
    raise forbidden(N_("Only staff and the city's units can turn problems into challenges."))


def _unit_for(rights: dict, unit_id: UUID | None) -> UUID:
    """The draft's unit: staff choose one, a unit's member may leave it out when they have one."""
    if unit_id is None and len(rights["units"]) == 1:
        return next(iter(rights["units"]))
    if unit_id is None:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("unit_id", N_("Choose the unit the challenge belongs to."))],
        )
    if not may_use_challenge(rights, unit_id):
        raise forbidden(N_("Only the unit's members and staff can draft its challenges."))
    return unit_id


async def _set_link(actor, problem: dict, challenge_id: UUID, *, action: str) -> None:
    """Inside a write transaction: the problem points at the challenge (an unlinked problem only,
    unless staff relink it), audited."""
    where = ResidentProblem.id == problem["id"]
    if problem["challenge"] is None:
        where &= ResidentProblem.challenge.is_null()
    moved = (
        await ResidentProblem.update(
            {
                ResidentProblem.challenge: challenge_id,
                ResidentProblem.linked_by: actor.id,
                ResidentProblem.linked_at: clock.now(),
            }
        )
        .where(where)
        .returning(ResidentProblem.id)
    )
    if not moved:
        raise Problem(409, "problem_linked", N_("This problem is already linked to a challenge."))
    if problem["challenge"] not in (None, challenge_id):
        await ProblemNotice.delete().where(ProblemNotice.problem == problem["id"])
    await record(
        action,
        actor=actor,
        object_type="problem",
        object_id=problem["id"],
        payload={"challenge": str(challenge_id)},
    )


def edit_href(actor, challenge_id: UUID) -> str:
    """Where the draft is edited: staff's edit page, or the unit's challenge page."""
    if is_staff(actor):
        return f"/staff/challenges/{challenge_id}/edit"
    return f"/unit/challenges/{challenge_id}"


async def create_draft(actor, problem_id: UUID, unit_id: UUID | None) -> dict:
    """A challenge draft from the problem (title and text taken over) for the unit, and the
    problem linked to it — both or neither. ``{challenge_id, href}`` of the draft's edit page."""
    problem = await load_problem(actor, problem_id)
    rights = await _rights(actor, problem, "create")
    unit = _unit_for(rights, unit_id)
    if not await Unit.exists().where(Unit.id == unit):
        raise not_found(N_("Unit not found"))
    data = ChallengeIn(
        unit_id=unit,
        title=problem["title"][:TITLE_MAX],
        problem=problem["description"][:TEXT_MAX],
    )
    async with db.write_transaction():
        created = await intake.create_challenge(actor, data)
        await _set_link(actor, problem, created["id"], action="problem.challenge_created")
    return {"challenge_id": created["id"], "href": edit_href(actor, created["id"])}


async def link(actor, problem_id: UUID, challenge_id: UUID) -> dict:
    """Link the problem to an existing challenge (staff: any; a unit's members: their units'),
    not a declined or withdrawn one (409 ``challenge_closed``)."""
    problem = await load_problem(actor, problem_id)
    rights = await _rights(actor, problem, "link")
    challenge = (
        await Challenge.select(Challenge.id, Challenge.unit, Challenge.status)
        .where(Challenge.id == challenge_id)
        .first()
    )
    if challenge is None or not may_use_challenge(rights, challenge["unit"]):
        raise not_found(N_("Challenge not found"))
    if challenge["status"] in CLOSED:
        raise Problem(
            409, "challenge_closed", N_("A declined or withdrawn challenge cannot be linked.")
        )
    if problem["challenge"] == challenge_id:
        return {"challenge_id": challenge_id}
    async with db.write_transaction():
        await _set_link(actor, problem, challenge_id, action="problem.linked")
    return {"challenge_id": challenge_id}


async def unlink(actor, problem_id: UUID) -> None:
    """Staff remove the link; the path starts afresh (its mailed steps are forgotten)."""
    problem = await load_problem(actor, problem_id)
    rights = await path_rights(actor, problem)
    if not rights["staff"]:
        raise forbidden(N_("Only staff can remove the link to a challenge."))
    if problem["challenge"] is None:
        return
    async with db.write_transaction():
        await ResidentProblem.update(
            {
                ResidentProblem.challenge: None,
                ResidentProblem.linked_by: None,
                ResidentProblem.linked_at: None,
            }
        ).where(ResidentProblem.id == problem_id)
        await ProblemNotice.delete().where(ProblemNotice.problem == problem_id)
        await record(
            "problem.unlinked",
            actor=actor,
            object_type="problem",
            object_id=problem_id,
            payload={"challenge": str(problem["challenge"])},
        )


async def choices(rights: dict) -> dict:
    """The units a draft may belong to and the challenges the problem may be linked to, for the
    page's forms: ``{"units": [(id, name)], "challenges": [(id, title, unit name)]}``. The
    challenges are bounded: not declined or withdrawn, without a call or in a call whose
    deadline has not passed, the newest CHOICES_MAX (the API links any other by its id)."""
    units = Unit.select(Unit.id, Unit.name).order_by(Unit.name)
    challenges = (
        Challenge.select(Challenge.id, Challenge.title, Challenge.unit.name.as_alias("unit_name"))
        .where(
            Challenge.status.not_in(list(CLOSED))
            & (Challenge.call.is_null() | (Challenge.call.closes_at > clock.now()))
        )
        .order_by(Challenge.created_at, ascending=False)
        .limit(CHOICES_MAX)
    )
    if not rights["staff"]:
        mine = list(rights["units"]) or [UUID(int=0)]
        units = units.where(Unit.id.is_in(mine))
        challenges = challenges.where(Challenge.unit.is_in(mine))
    return {
        "units": [(row["id"], row["name"]) for row in await units],
        "challenges": [(row["id"], row["title"], row["unit_name"]) for row in await challenges],
    }
