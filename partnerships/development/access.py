"""Who takes part in the development phase and who may see what of it — one policy function per
permission, used by the services, pages and templates of every part (workspace, offer, pitch,
pilot). Team, owning unit and staff see a selected team's workspace; jurors never do (they see
the pitch as a scoring round, nothing more). Team and unit see it once the results are
published."""

from __future__ import annotations

from uuid import UUID

from challenge.calls.tables import Call
from challenge.challenges.policies import is_unit_member
from challenge.challenges.tables import Challenge
from challenge.organisations.policies import is_member
from challenge.platform.accounts.policies import is_staff
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission

DEVELOPMENT = "development"
NOT_FOUND = N_("This team is not in the development phase.")


async def selected_entry(submission_id: UUID) -> dict | None:
    """The entry if staff selected it for the development phase: its id, reference, title,
    call, organisation (id and name), challenge (id, key, title, unit, pilot budget and months,
    stipend, contact, mentor) and whether the call's results are published; else None."""
    row = (
        await Submission.select(
            Submission.id,
            Submission.reference,
            Submission.title,
            Submission.call,
            Submission.organisation,
            Submission.organisation.name.as_alias("organisation_name"),
            Submission.challenge.as_alias("challenge_id"),
            Submission.call.slug.as_alias("call_slug"),
            Submission.call.title.as_alias("call_title"),
            Submission.call.results_published_at.as_alias("results_published_at"),
        )
        .where((Submission.id == submission_id) & Submission.challenge.is_not_null())
        .first()
    )
    if row is None or not await Decision.exists().where(
        (Decision.submission == submission_id) & (Decision.outcome == DEVELOPMENT)
    ):
        return None
    row["challenge"] = (
        await Challenge.select(
            Challenge.id,
            Challenge.key,
            Challenge.title,
            Challenge.unit,
            Challenge.unit.name.as_alias("unit_name"),
            Challenge.contact_name,
            Challenge.mentor_name,
            Challenge.pilot_budget_cents,
            Challenge.pilot_months,
            Challenge.stipend_cents,
        )
        .where(Challenge.id == row["challenge_id"])
        .first()
    )
    return row


async def selected_of_call(call_id: UUID) -> list[dict]:
    """The call's entries selected for the development phase, by challenge position and
    reference: id, reference, title, organisation, challenge id and key."""
    return (
        await Decision.select(
            Decision.submission.as_alias("id"),
            Decision.submission.reference.as_alias("reference"),
            Decision.submission.title.as_alias("title"),
            Decision.submission.organisation.as_alias("organisation"),
            Decision.submission.organisation.name.as_alias("organisation_name"),
            Decision.submission.challenge.as_alias("challenge"),
            Decision.submission.challenge.key.as_alias("challenge_key"),
            Decision.submission.challenge.title.as_alias("challenge_title"),
        )
        .where((Decision.call == call_id) & (Decision.outcome == DEVELOPMENT))
        .order_by(Decision.submission.challenge.position)
        .order_by(Decision.submission.reference)
    )


async def is_team(user, entry: dict) -> bool:
    """A member of the selected team."""
    return user is not None and await is_member(user, entry["organisation"])


async def is_owning_unit(user, entry: dict) -> bool:
    """A member of the unit that owns the entry's challenge."""
    return user is not None and await is_unit_member(user, entry["challenge"]["unit"])


async def may_see_workspace(user, entry: dict) -> bool:
    """Staff from the decision on; the team and the owning unit once results are published
    (before, a blind call's unit would learn the team's name from the workspace)."""
    if user is None:
        return False
    if is_staff(user):
        return True
    if entry["results_published_at"] is None:
        return False
    return await is_owning_unit(user, entry) or await is_team(user, entry)


async def may_work_on_checklist(user, entry: dict) -> bool:
    """Everyone who sees the workspace works through the checklist and records meetings."""
    return await may_see_workspace(user, entry)


async def may_edit_offer(user, entry: dict) -> bool:
    """Only the team writes and submits its offer, once results are published."""
    return entry["results_published_at"] is not None and await is_team(user, entry)


async def may_read_offer(user, entry: dict) -> bool:
    """The team, the owning unit and staff read the offer (jurors see it at the pitch only as
    far as the pitch round shows it)."""
    return await may_see_workspace(user, entry)


async def workspace_entry(user, submission_id: UUID) -> dict:
    """The selected entry if ``user`` may see its workspace — else 404 (no probing)."""
    entry = await selected_entry(submission_id)
    if entry is None or not await may_see_workspace(user, entry):
        raise not_found(NOT_FOUND)
    return entry


async def call_by_slug(slug: str) -> dict | None:
    """The call row by its slug (drafts included; callers check who asks)."""
    return await Call.select().where(Call.slug == slug).output(load_json=True).first()
