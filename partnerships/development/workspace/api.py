"""JSON API of the development workspace (shared/API.md, "Development phase and pilots"): the
workspace, checklist items, meetings and files per selected team; staff set the phase's dates
and see the selected teams."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.platform.accounts.guards import login_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.i18n import gettext, request_locale
from partnerships.development.phase import PhaseIn, phase_of
from partnerships.development.workspace import checklist, services, staff
from partnerships.development.workspace.schemas import ChecklistIn, MeetingIn


def item_out(row: dict, locale: str) -> dict:
    """A checklist item as the API shows it (the title in the request's language)."""
    return {
        "key": row["key"],
        "title": gettext(row["title"], locale),
        "status": row["status"],
        "owner": row["owner"],
        "note": row["note"],
        "due_on": row["due_on"],
        "updated_at": row["updated_at"],
    }


def meeting_out(row: dict) -> dict:
    """A meeting: when, who, the minutes as Markdown."""
    return {
        "id": row["id"],
        "held_at": row["held_at"],
        "participants": row["participants"],
        "minutes": row["minutes"],
    }


def file_out(row: dict) -> dict:
    """A workspace file with its download address."""
    return {
        "id": row["id"],
        "filename": row["filename"],
        "content_type": row["content_type"],
        "size": row["size"],
        "sha256": row["sha256"],
        "created_at": row["created_at"],
        "url": f"/api/v1/documents/{row['id']}",
    }


def workspace_out(data: dict, locale: str) -> dict:
    """The workspace as GET /submissions/{id}/development answers."""
    entry, phase, offer = data["entry"], data["phase"], data["offer"]
    challenge = entry["challenge"]
    return {
        "submission_id": entry["id"],
        "reference": entry["reference"],
        "challenge": {"key": challenge["key"], "title": challenge["title"]},
        "stipend": data["stipend"]
        and {k: data["stipend"][k] for k in ("partnership_id", "status")},
        "checklist": [item_out(row, locale) for row in data["checklist"]],
        "offer_due_at": phase["offer_due_at"],
        "starts_on": phase["starts_on"],
        "ends_on": phase["ends_on"],
        "unit": challenge["unit_name"],
        "contact_name": challenge["contact_name"],
        "mentor_name": challenge["mentor_name"],
        "offer": {"status": offer["status"], "version": offer["version"]} if offer else None,
        "meetings": [meeting_out(row) for row in data["meetings"]],
        "files": [file_out(row) for row in data["files"]],
    }


class WorkspaceApi(Controller):
    path = "/api/v1/submissions/{submission_id:uuid}/development"
    tags = ["development"]
    guards = [login_required]

    @get("/")
    async def detail(self, request: Request, submission_id: FromPath[UUID]) -> dict:
        """The workspace (team once results are published, owning unit, staff; 404 otherwise)."""
        data = await services.workspace(current_user(request), submission_id)
        return workspace_out(data, request_locale(request))

    @put("/checklist/{key:str}")
    async def checklist_item(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        key: FromPath[str],
        data: JSONBody[ChecklistIn],
    ) -> dict:
        """Change one checklist item: status, owner (city|team), note, date."""
        row = await checklist.update_item(current_user(request), submission_id, key, data)
        return item_out(row, request_locale(request))

    @post("/meetings", status_code=HTTP_201_CREATED)
    async def meeting(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[MeetingIn]
    ) -> dict:
        """Record a meeting: held_at (with time zone), participants, minutes (Markdown)."""
        row = await services.add_meeting(current_user(request), submission_id, data)
        return meeting_out(row)

    @post("/files", status_code=HTTP_201_CREATED, request_max_body_size=None)
    async def file(self, request: Request, submission_id: FromPath[UUID]) -> dict:
        """Add a file (multipart ``file``; PDF, PNG or JPEG)."""
        row = await services.add_file(
            current_user(request),
            submission_id,
            request.app.state.storage,
            lambda: MultipartUpload(request),
        )
        return file_out(row)


class StaffDevelopmentApi(Controller):
    path = "/api/v1/calls/{slug:str}/development"
    tags = ["development"]
    guards = [staff_required]

    @get("/")
    async def phase(self, request: Request, slug: FromPath[str]) -> dict:
        """The phase's dates (the defaults until staff set them, ``set`` false)."""
        call = await staff.staff_call(current_user(request), slug)
        return staff.phase_out(await phase_of(call))

    @put("/", status_code=HTTP_200_OK)
    async def set_dates(
        self, request: Request, slug: FromPath[str], data: JSONBody[PhaseIn]
    ) -> dict:
        """Set the phase: starts_on, ends_on, offer_due_at (default the last day 23:59:59 in
        Leipzig), bonus_cap_cents."""
        user = current_user(request)
        call = await staff.staff_call(user, slug)
        return staff.phase_out(await staff.set_dates(user, call, data))

    @get("/teams")
    async def teams(self, request: Request, slug: FromPath[str]) -> list[dict]:
        """The selected teams with checklist progress, stipend and offer status."""
        call = await staff.staff_call(current_user(request), slug)
        return await staff.selected_teams(call)
