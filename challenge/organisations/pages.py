"""Team pages: found a team, edit it, invite co-members, join, leave, remove — no JS needed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.organisations import services
from challenge.organisations.schemas import OrganisationIn, OrganisationPatch
from challenge.organisations.services import KINDS
from challenge.platform.accounts.guards import login_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.problems import FieldError, Problem

FIELDS = ("name", "kind", "register_id", "website", "city")


def _values(data: dict) -> dict:
    return {name: form_value(data, name) for name in FIELDS}


def _struct(values: dict, cls):
    if values["kind"] not in KINDS:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("kind", N_("Choose what kind of organisation this is."))],
        )
    return cls(**values)


async def _detail(
    request: Request, organisation_id: UUID, *, status: int = 200, **extra
) -> Template:
    organisation = await services.visible_organisation(request.scope["user"], organisation_id)
    return Template(
        template_name="challenge/teams/detail.html",
        status_code=status,
        context={
            "team": organisation,
            "members": await services.members(organisation_id),
            "errors": {},
            "invite_email": "",
            "notice": None,
            **extra,
        },
    )


class TeamPages(Controller):
    path = "/teams"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="teams")
    async def teams(self, request: Request) -> Template:
        return Template(
            template_name="challenge/teams/list.html",
            context={"teams": await services.my_organisations(request.scope["user"])},
        )

    @get("/new", name="team_new")
    async def new(self) -> Template:
        return Template(
            template_name="challenge/teams/form.html",
            context={"values": {}, "errors": {}, "team": None, "kinds": KINDS},
        )

    @post("/new")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        values = _values(data)
        try:
            team = await services.create_organisation(
                request.scope["user"], _struct(values, OrganisationIn)
            )
        except Problem as problem:
            return Template(
                template_name="challenge/teams/form.html",
                status_code=problem.status,
                context={
                    "values": values,
                    "errors": errors_of(problem),
                    "team": None,
                    "kinds": KINDS,
                },
            )
        return Redirect(f"/teams/{team['id']}", status_code=303)

    @get("/{team_id:uuid}", name="team")
    async def detail(self, request: Request, team_id: FromPath[UUID]) -> Template:
        return await _detail(request, team_id)

    @get("/{team_id:uuid}/edit")
    async def edit(self, request: Request, team_id: FromPath[UUID]) -> Template:
        team = await services.visible_organisation(request.scope["user"], team_id)
        return Template(
            template_name="challenge/teams/form.html",
            context={
                "values": {k: team[k] for k in FIELDS},
                "errors": {},
                "team": team,
                "kinds": KINDS,
            },
        )

    @post("/{team_id:uuid}/edit")
    async def update(
        self, request: Request, team_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = _values(data)
        try:
            await services.update_organisation(
                request.scope["user"], team_id, _struct(values, OrganisationPatch)
            )
        except Problem as problem:
            team = await services.visible_organisation(request.scope["user"], team_id)
            return Template(
                template_name="challenge/teams/form.html",
                status_code=problem.status,
                context={
                    "values": values,
                    "errors": errors_of(problem),
                    "team": team,
                    "kinds": KINDS,
                },
            )
        return Redirect(f"/teams/{team_id}", status_code=303)

    @post("/{team_id:uuid}/invitations")
    async def invite(self, request: Request, team_id: FromPath[UUID], data: FormData) -> Template:
        email = form_value(data, "email")
        try:
            await services.invite(
                request.scope["user"],
                team_id,
                email,
                base_url=request.app.state.settings.base_url,
                locale=request_locale(request),
            )
        except Problem as problem:
            return await _detail(
                request,
                team_id,
                status=problem.status,
                errors=errors_of(problem),
                invite_email=email,
            )
        return await _detail(request, team_id, notice=email)

    @get("/{team_id:uuid}/leave")
    async def confirm_leave(self, request: Request, team_id: FromPath[UUID]) -> Template:
        team = await services.visible_organisation(request.scope["user"], team_id)
        return Template(
            template_name="challenge/teams/confirm.html",
            context={
                "team": team,
                "action": f"/teams/{team_id}/leave",
                "kind": "leave",
                "member": None,
            },
        )

    @post("/{team_id:uuid}/leave")
    async def leave(self, request: Request, team_id: FromPath[UUID]) -> Template | Redirect:
        try:
            await services.leave(request.scope["user"], team_id)
        except Problem as problem:
            return await _detail(request, team_id, status=problem.status, errors=errors_of(problem))
        return Redirect("/teams", status_code=303)

    @get("/{team_id:uuid}/members/{user_id:uuid}/remove")
    async def confirm_remove(
        self, request: Request, team_id: FromPath[UUID], user_id: FromPath[UUID]
    ) -> Template:
        team = await services.visible_organisation(request.scope["user"], team_id)
        member = next((m for m in await services.members(team_id) if m["user_id"] == user_id), None)
        if member is None:
            return await _detail(request, team_id, status=404)
        return Template(
            template_name="challenge/teams/confirm.html",
            context={
                "team": team,
                "action": f"/teams/{team_id}/members/{user_id}/remove",
                "kind": "remove",
                "member": member,
            },
        )

    @post("/{team_id:uuid}/members/{user_id:uuid}/remove")
    async def remove(
        self, request: Request, team_id: FromPath[UUID], user_id: FromPath[UUID]
    ) -> Template | Redirect:
        try:
            await services.remove_member(request.scope["user"], team_id, user_id)
        except Problem as problem:
            return await _detail(request, team_id, status=problem.status, errors=errors_of(problem))
        return Redirect(f"/teams/{team_id}", status_code=303)

    @post("/{team_id:uuid}/members/{user_id:uuid}/owner")
    async def make_owner(
        self, request: Request, team_id: FromPath[UUID], user_id: FromPath[UUID]
    ) -> Redirect:
        await services.make_owner(request.scope["user"], team_id, user_id)
        return Redirect(f"/teams/{team_id}", status_code=303)

    @get("/join")
    async def join(self, token: Annotated[str, QueryParameter(max_length=200)] = "") -> Template:
        """Shows the invitation; the POST accepts it (mail scanners only GET)."""
        try:
            invitation = await services.find_invitation(token)
        except Problem as problem:
            return Template(
                template_name="challenge/teams/join.html",
                status_code=problem.status,
                context={"invitation": None, "token": "", "errors": errors_of(problem)},
            )
        return Template(
            template_name="challenge/teams/join.html",
            context={"invitation": invitation, "token": token, "errors": {}},
        )

    @post("/join")
    async def accept(self, request: Request, data: FormData) -> Template | Redirect:
        try:
            team = await services.accept_invitation(
                request.scope["user"], form_value(data, "token")
            )
        except Problem as problem:
            return Template(
                template_name="challenge/teams/join.html",
                status_code=problem.status,
                context={"invitation": None, "token": "", "errors": errors_of(problem)},
            )
        return Redirect(f"/teams/{team['id']}", status_code=303)
