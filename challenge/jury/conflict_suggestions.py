"""Conflicts the system suggests to a juror: the portal's own reasons (membership, a mail domain,
the affiliation) and what the installed domains' ``conflict_suggesters`` add."""

from __future__ import annotations

import inspect
from uuid import UUID

from challenge.jury.services import public_mail_domains
from challenge.platform.domains import each
from challenge.platform.i18n import N_

# Further sources of suggestions come from the installed domains' ``conflict_suggesters``: a
# suggester(user_row, rows) -> {submission_id: reason} (or an awaitable of it) is asked on every
# declaration. The partnerships package adds "an earlier partnership between the juror's
# organisation and the applicant" (challenge never imports it). A suggester with the attribute
# ``binding = True`` states a rule, not a suggestion: its marks get the source ``rule``, which the
# juror cannot take back (staff may lift them) — e.g. "a unit member never scores a proposal
# from an organisation the unit already contracts with".


async def suggestions_for(user_row: dict, rows: list[dict]) -> dict[UUID, str]:
    """Submission id → why the system suggests a conflict (membership, mail domain, affiliation,
    and what registered sources add, e.g. an earlier partnership)."""
    return {sid: why for sid, (why, _binding) in (await graded(user_row, rows)).items()}


async def graded(user_row: dict, rows: list[dict]) -> dict[UUID, tuple[str, bool]]:
    """Submission id → (reason, binding): as ``suggestions_for``, and whether a binding source
    (a rule) marked it; a binding mark wins over a suggestion for the same entry."""
    suggested: dict[UUID, tuple[str, bool]] = {}
    for suggester in [s for _domain, found in each("conflict_suggesters") for s in found]:
        found = suggester(user_row, rows)
        found = await found if inspect.isawaitable(found) else found
        binding = bool(getattr(suggester, "binding", False))
        for submission_id, reason in found.items():
            if binding or not suggested.get(submission_id, ("", False))[1]:
                suggested[submission_id] = (reason, binding)
    for row in rows:
        reason = _own_reason(user_row, row)
        if reason and not suggested.get(row["id"], ("", False))[1]:
            suggested[row["id"]] = (reason, False)
    return suggested


def _own_reason(user_row: dict, row: dict) -> str | None:
    """The portal's own reasons: membership, a mail address at the same domain, the affiliation."""
    domain = user_row["email"].rsplit("@", 1)[-1]
    affiliation = (user_row.get("affiliation") or "").strip().lower()
    organisation = row["organisation_name"].lower()
    if any(m["user_id"] == user_row["id"] for m in row["members"]):
        return N_("You are a member of this team.")
    if domain not in public_mail_domains() and any(
        m["email"].rsplit("@", 1)[-1] == domain for m in row["members"]
    ):
        return N_("A team member has an e-mail address at your organisation's domain.")
    if (
        affiliation
        and len(affiliation) >= 3
        and (affiliation in organisation or organisation in affiliation)
    ):
        return N_("Your stated affiliation matches this organisation.")
    return None
