"""Where a proposal stands in the four-step form: which steps are complete (computed from the
saved draft by the same rules a submit applies), whether the saved draft differs from what was
last submitted, and what the team may still do with it."""

from __future__ import annotations

from datetime import datetime

from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.submissions.policies import withdrawal_refusal
from challenge.submissions.rules import proposal_errors
from challenge.submissions.snapshots import FIELDS, content_of, last_submitted_content

STEP_LABELS = (
    ("proposal", N_("Proposal")),
    ("questions", N_("Questions")),
    ("documents", N_("Documents")),
    ("review", N_("Review and submit")),
)
PROPOSAL_FIELDS = ("title", "summary", "category")


def _step_states(call: dict, submission: dict, documents: list[dict]) -> dict[str, str]:
    """done, todo or optional for the three steps that hold data."""
    values = {k: submission[k] for k in FIELDS}
    values["answers"] = values["answers"] or {}
    fields = {error.field for error in proposal_errors(call, values, complete=True)}
    questions = call["questions"] or []
    return {
        "proposal": "todo" if fields & set(PROPOSAL_FIELDS) else "done",
        "questions": _questions_state(questions, fields),
        "documents": _documents_state(questions, documents),
    }


def _questions_state(questions: list[dict], fields: set[str]) -> str:
    if any(field.startswith("answers.") for field in fields):
        return "todo"
    return "done" if any(q["type"] != "file" for q in questions) else "optional"


def _documents_state(questions: list[dict], documents: list[dict]) -> str:
    if documents:
        return "done"
    needs_file = any(q["type"] == "file" and q.get("required") for q in questions)
    return "todo" if needs_file else "optional"


async def pending_changes(submission: dict, documents: list[dict]) -> bool:
    """Whether the saved proposal differs from its last submitted version (True for a draft)."""
    if submission["status"] != "submitted":
        return submission["status"] == "draft"
    return await last_submitted_content(submission["id"]) != content_of(submission, documents)


def _not_member() -> Problem:
    """Staff read the team's view; withdrawing is the team's (the service refuses anyone else)."""
    return Problem(403, "forbidden", N_("Only the team's members can change this proposal."))


async def progress(
    call: dict,
    submission: dict,
    documents: list[dict],
    step: str,
    deadline: datetime,
    now,
    member: bool = True,
) -> dict:
    """The step list with done-marks, and the actions the page offers (asked of the same rules
    the services apply: only the team's members change a proposal (policies.may_edit), only
    while it is not withdrawn and the deadline has not passed; submit only while there is
    something new to submit; withdraw only when policies.withdrawal_refusal has no objection).
    Staff reading the team's view are offered none of it."""
    states = _step_states(call, submission, documents)
    changes = await pending_changes(submission, documents)
    if submission["status"] == "submitted" and not changes:
        states["review"] = "submitted"
    elif submission["status"] == "submitted":
        states["review"] = "changed"
    else:
        states["review"] = "todo" if submission["status"] == "draft" else "withdrawn"
    open_window = member and submission["status"] != "withdrawn" and deadline > now
    steps = [
        {
            "name": name,
            "label": label,
            # a step's form only while it can change; the summary always
            "href": f"/submissions/{submission['id']}" + ("" if name == "review" else f"/{name}")
            if open_window or name == "review"
            else None,
            "status": ("step", states[name]),
            "current": name == step,
        }
        for name, label in STEP_LABELS
    ]
    return {
        "steps_progress": steps,
        "pending_changes": changes,
        "may_edit": open_window,
        "may_submit": open_window and changes,
        "withdraw_refusal": await withdrawal_refusal(call, submission) if member else _not_member(),
    }
