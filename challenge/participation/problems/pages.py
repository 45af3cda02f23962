"""Public pages of residents' problems: the list (/mitmachen) with search, filters, sorting and
the open people's prize votings; a problem's page (/mitmachen/{id}) with its discussion and
path (partials filled by the discussion and path parts); the form to propose one
(/mitmachen/neu), a person's own problems (/mitmachen/meine) and the name they are shown by
(/mitmachen/profil)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from markupsafe import Markup

from challenge.participation import policies, profiles
from challenge.participation.discussion import view as discussion_view
from challenge.participation.path import view as path_view
from challenge.participation.places import DISTRICTS, TOPICS
from challenge.participation.prize.view import open_votings
from challenge.participation.problems import files, proposing, service
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user, ip_of
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

Text = Annotated[str, QueryParameter(max_length=100)]
Notice = Annotated[str | None, QueryParameter(max_length=20)]


def _key(value: str, keys) -> str:
    return value if value in keys else ""


async def problem_context(user, row: dict, page: int) -> dict:
    """What the problem's page shows, the partials' contexts included."""
    [problem] = await service.shown([row])
    problem["description_html"] = Markup(problem["description_html"])  # sanitised when written
    own = user is not None and problem["author"] == user.id
    return {
        "problem": problem,
        "own": own,
        "moderator": policies.may_moderate(user),
        "file": await files.file_info(problem["document"]),
        "merged_title": await service.title_of(problem["merged_into"]),
        "discussion": await discussion_view.problem_section(user, problem, page),
        "path_steps": await path_view.problem_path(problem),
        "path_actions": await path_view.path_actions(user, problem),
    }


def _form(values: dict, errors: dict | None, needs_name: bool, status: int = 200) -> Template:
    return Template(
        template_name="participation/new.html",
        context={
            "values": values,
            "errors": errors or {},
            "needs_name": needs_name,
            "districts": DISTRICTS,
            "topics": TOPICS,
            "title_max": service.TITLE_MAX,
            "description_max": service.DESCRIPTION_MAX,
        },
        status_code=status,
    )


def _profile(value: str, errors: dict, *, saved: bool = False, status: int = 200) -> Template:
    return Template(
        template_name="participation/profile.html",
        context={"value": value, "errors": errors, "saved": saved},
        status_code=status,
    )


def _form_errors(problem: Problem) -> dict:
    """A refusal's messages by field; one about the upload as a whole belongs to the file."""
    errors = errors_of(problem)
    return {"file": errors["_form"]} if "_form" in errors else errors


class ProblemPages(Controller):
    path = "/mitmachen"
    include_in_schema = False

    @get("/", name="participation")
    async def index(
        self,
        page: Page = 1,
        sort: Text = "supports",
        topic: Text = "",
        district: Text = "",
        q: Text = "",
    ) -> Template:
        filters = {
            "sort": sort if sort in service.SORTS else "supports",
            "topic": _key(topic, {key for key, _ in TOPICS}),
            "district": _key(district, {key for key, _ in DISTRICTS}),
            "q": " ".join(q.split()),
        }
        found = await service.public_list(**filters, page=page)
        return Template(
            template_name="participation/list.html",
            context={
                "found": found,
                "filters": filters,
                "districts": DISTRICTS,
                "topics": TOPICS,
                "votings": await open_votings(),
            },
        )

    @get("/neu", name="participation_new", guards=[login_required])
    async def new(self, request: Request) -> Template:
        user = current_user(request)
        needs_name = await profiles.display_name(user.id) is None
        return _form(proposing.values_of({}), None, needs_name)

    @post("/neu", guards=[login_required], request_max_body_size=None)
    async def propose(self, request: Request) -> Template | Redirect:
        user = current_user(request)
        multipart = MultipartUpload(request)
        try:
            row = await proposing.from_form(
                user, ip_of(request), request.app.state.storage, multipart
            )
        except Problem as problem:
            needs_name = await profiles.display_name(user.id) is None
            values = proposing.values_of(multipart.fields)
            return _form(values, _form_errors(problem), needs_name, problem.status)
        return Redirect(f"/mitmachen/{row['id']}?notice=proposed", status_code=303)

    @get("/meine", name="participation_mine", guards=[login_required])
    async def mine(self, request: Request, page: Page = 1) -> Template:
        user = current_user(request)
        found = await service.of_author(user.id, page)
        titles = await service.titles_of(row.get("merged_into") for row in found["items"])
        return Template(
            template_name="participation/mine.html",
            context={"found": found, "titles": titles},
        )

    @get("/profil", name="participation_profile", guards=[login_required])
    async def profile(self, request: Request, notice: Notice = None) -> Template:
        name = await profiles.display_name(current_user(request).id)
        return _profile(name or "", {}, saved=notice == "gespeichert")

    @post("/profil", guards=[login_required])
    async def save_profile(self, request: Request, data: FormData) -> Template | Redirect:
        typed = form_value(data, "display_name")
        try:
            await profiles.set_display_name(current_user(request).id, typed)
        except Problem as problem:
            return _profile(typed, errors_of(problem), status=problem.status)
        return Redirect("/mitmachen/profil?notice=gespeichert", status_code=303)

    @get("/{problem_id:uuid}", name="participation_problem")
    async def problem(
        self, request: Request, problem_id: FromPath[UUID], page: Page = 1, notice: Notice = None
    ) -> Template:
        user = current_user(request)
        row = await service.visible_problem(user, problem_id)
        context = await problem_context(user, row, page)
        return Template(
            template_name="participation/problem.html",
            context={**context, "notice": notice if notice in ("proposed", "moderated") else None},
        )
