"""JSON API for accounts: /api/v1/auth/*, /api/v1/me, API tokens, admin role management."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from challenge.platform.accounts import (
    api_tokens,
    authentication,
    password_reset,
    registration,
    roles,
    services,
)
from challenge.platform.accounts.guards import admin_required, login_required, role_required
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.pending_sign_in import SecondFactorRequired
from challenge.platform.accounts.policies import TOKEN_ROLES
from challenge.platform.accounts.schemas import (
    ApiTokenCreated,
    ApiTokenIn,
    ApiTokenOut,
    EmailIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    ProfileIn,
    RegisterIn,
    ResetConfirmIn,
    RoleIn,
    StatusOut,
    TokenIn,
    UserOut,
    UserPage,
    VerifiedOut,
)
from challenge.platform.accounts.two_factor_api import pending_problem
from challenge.platform.accounts.web import (
    clear_session_cookie,
    current_user,
    ip_of,
    session_token_of,
    set_session_cookie,
    settings_of,
    user_agent_of,
)
from challenge.platform.i18n import request_locale


def me_out(user: CurrentUser) -> MeOut:
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        locale=user.locale,
        affiliation=user.affiliation,
        roles=sorted(user.roles),
    )


class AuthApi(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post("/register", status_code=HTTP_201_CREATED)
    async def register(self, request: Request, data: JSONBody[RegisterIn]) -> StatusOut:
        """Register; the same answer whether or not the address has an account."""
        await registration.register(
            email=data.email,
            password=data.password,
            name=data.name,
            locale=data.locale,
            ip=ip_of(request),
            base_url=settings_of(request).base_url,
        )
        return StatusOut(status="check_your_mail")

    @post("/verify", status_code=HTTP_200_OK)
    async def verify(self, request: Request, data: JSONBody[TokenIn]) -> VerifiedOut:
        """Confirm an address; a link followed again answers already_verified: true."""
        _user_id, already = await registration.verify_email(data.token, ip=ip_of(request))
        return VerifiedOut(status="verified", already_verified=already)

    @post("/login", status_code=HTTP_200_OK)
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response[MeOut]:
        """Sign in. With two-factor login the answer is 401 ``second_factor_required`` (or
        ``two_factor_enrolment_required``) and a short-lived cookie for POST /2fa/verify (or
        /2fa/totp/enrol); no session exists before the second factor."""
        try:
            user, token = await authentication.login(
                settings_of(request),
                email=data.email,
                password=data.password,
                ip=ip_of(request),
                user_agent=user_agent_of(request),
                old_token=session_token_of(request),
            )
        except SecondFactorRequired as waiting:
            return pending_problem(request, waiting)
        response = Response(me_out(user))
        set_session_cookie(response, request, token)
        return response

    @post("/logout", status_code=HTTP_200_OK)
    async def logout(self, request: Request) -> Response[StatusOut]:
        await authentication.logout(current_user(request), session_token_of(request))
        response = Response(StatusOut(status="logged_out"))
        clear_session_cookie(response, request)
        return response

    @post("/password-reset", status_code=HTTP_202_ACCEPTED)
    async def password_reset(self, request: Request, data: JSONBody[EmailIn]) -> StatusOut:
        """Mail a reset link; the same answer whether or not the address has an account."""
        await password_reset.request_password_reset(
            email=data.email,
            ip=ip_of(request),
            locale=request_locale(request),
            base_url=settings_of(request).base_url,
        )
        return StatusOut(status="check_your_mail")

    @post("/password-reset/confirm", status_code=HTTP_200_OK)
    async def password_reset_confirm(
        self, request: Request, data: JSONBody[ResetConfirmIn]
    ) -> StatusOut:
        await password_reset.confirm_password_reset(
            token=data.token,
            password=data.password,
            base_url=settings_of(request).base_url,
            ip=ip_of(request),
        )
        return StatusOut(status="password_changed")


class MeApi(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [login_required]

    @get("/")
    async def me(self, request: Request) -> MeOut:
        return me_out(current_user(request))

    @patch("/")
    async def update(self, request: Request, data: JSONBody[ProfileIn]) -> MeOut:
        user = current_user(request)
        row = await services.update_profile(
            user,
            name=user.name if data.name is None else data.name,
            locale=user.locale if data.locale is None else data.locale,
            affiliation=user.affiliation if data.affiliation is None else data.affiliation,
        )
        return MeOut(
            id=row["id"],
            email=row["email"],
            name=row["name"],
            locale=row["locale"],
            affiliation=row["affiliation"],
            roles=sorted(user.roles),
        )

    @post("/password", status_code=HTTP_200_OK)
    async def change_password(
        self, request: Request, data: JSONBody[PasswordChangeIn]
    ) -> Response[StatusOut]:
        """Change the password; every other session ends."""
        settings = settings_of(request)
        browser = (request.scope.get("auth") or {}).get("kind") == "session"
        token = await password_reset.change_password(
            current_user(request),
            current=data.current_password,
            new=data.new_password,
            base_url=settings.base_url,
            ip=ip_of(request),
            user_agent=user_agent_of(request),
            max_days=settings.session_max_days,
            new_session=browser,
        )
        response = Response(StatusOut(status="password_changed"))
        if token:
            set_session_cookie(response, request, token)
        return response

    @get("/tokens")  # the owner's own tokens, also after losing the role that created them
    async def tokens(self, request: Request) -> list[ApiTokenOut]:
        rows = await api_tokens.list_tokens(current_user(request))
        return [ApiTokenOut(**row) for row in rows]

    @post("/tokens", guards=[role_required(*TOKEN_ROLES)], status_code=HTTP_201_CREATED)
    async def create_token(self, request: Request, data: JSONBody[ApiTokenIn]) -> ApiTokenCreated:
        """Create an API token; the token is in this response only."""
        row, plaintext = await api_tokens.create_token(
            current_user(request),
            data.name,
            data.days,
            require_2fa_internal=settings_of(request).require_2fa_internal,
        )
        return ApiTokenCreated(
            id=row["id"], name=row["name"], token=plaintext, expires_at=row["expires_at"]
        )

    @delete("/tokens/{token_id:uuid}")  # revoking one's own token needs no role
    async def revoke_token(self, request: Request, token_id: FromPath[UUID]) -> None:
        await api_tokens.revoke_token(current_user(request), token_id)


class AdminUsersApi(Controller):
    path = "/api/v1/admin/users"
    tags = ["admin"]
    guards = [admin_required]

    @get("/")
    async def list_users(
        self,
        request: Request,
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> UserPage:
        rows, total = await roles.list_users(
            current_user(request), query=q, page=page, per_page=per_page
        )
        return UserPage(
            items=[UserOut(**row) for row in rows], total=total, page=page, per_page=per_page
        )

    @post("/{user_id:uuid}/roles", status_code=HTTP_200_OK)
    async def grant(
        self, request: Request, user_id: FromPath[UUID], data: JSONBody[RoleIn]
    ) -> UserOut:
        row = await roles.grant_role(current_user(request), user_id, data.role)
        return _user_out(row)

    @delete("/{user_id:uuid}/roles/{role:str}", status_code=HTTP_200_OK)
    async def revoke(
        self, request: Request, user_id: FromPath[UUID], role: FromPath[str]
    ) -> UserOut:
        row = await roles.revoke_role(current_user(request), user_id, role)
        return _user_out(row)


def _user_out(row: dict) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        roles=row["roles"],
        email_verified_at=row["email_verified_at"],
        is_active=row["is_active"],
        created_at=row["created_at"],
    )
