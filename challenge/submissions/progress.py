"""Where a proposal stands in the four-step form: which steps are complete (computed from the
saved draft by the same rules a submit applies), whether the saved draft differs from what was
last submitted, and what the team may still do with it."""

from __future__ import annotations

from datetime import datetime

from challenge.platform.i18n import N_
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


async def progress(
    call: dict, submission: dict, documents: list[dict], step: str, deadline: datetime, now
) -> dict:
    """The step list with done-marks, and the actions the page offers (asked of the same rules
    the services apply: submit only while there is something new to submit within the deadline,
    withdraw only when policies.withdrawal_refusal has no objection)."""
    states = _step_states(call, submission, documents)
    changes = await pending_changes(submission, documents)
    if submission["status"] == "submitted" and not changes:
        states["review"] = "submitted"
    elif submission["status"] == "submitted":
        states["review"] = "changed"
    else:
        states["review"] = "todo" if submission["status"] == "draft" else "withdrawn"
    steps = [
        {
            "name": name,
            "label": label,
            "href": f"/submissions/{submission['id']}" + ("" if name == "review" else f"/{name}"),
            "status": ("step", states[name]),
            "current": name == step,
        }
        for name, label in STEP_LABELS
    ]
    open_window = submission["status"] != "withdrawn" and deadline > now
    return {
        "steps_progress": steps,
        "pending_changes": changes,
        "may_submit": open_window and changes,
        "withdraw_refusal": await withdrawal_refusal(call, submission),
    }
