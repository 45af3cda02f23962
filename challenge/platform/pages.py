"""Site-wide pages: language switch, imprint, privacy and accessibility statements."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts.services import remember_locale
from challenge.platform.i18n import LANGUAGE_COOKIE, LOCALES
from challenge.platform.urls import safe_next

ONE_YEAR = 365 * 24 * 3600


class SitePages(Controller):
    path = "/"
    include_in_schema = False

    @get("/lang/{code:str}", name="language")
    async def switch_language(
        self,
        request: Request,
        code: FromPath[str],
        next_: Annotated[str | None, QueryParameter(name="next")] = None,
    ) -> Response:
        """Remember the chosen language in a cookie (and, signed in, in the account, whose setting
        comes first) and go back to the page."""
        if code not in LOCALES:
            raise NotFoundException()
        user = request.scope.get("user")
        if user is not None:
            await remember_locale(user, code)
        response = Redirect(path=safe_next(next_), status_code=303)
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.https,
        )
        return response

    @get("/impressum", name="imprint")
    async def imprint(self) -> Template:
        return Template(template_name="base/pages/imprint.html")

    @get("/datenschutz", name="privacy")
    async def privacy(self) -> Template:
        return Template(template_name="base/pages/privacy.html")

    @get("/barrierefreiheit", name="accessibility")
    async def accessibility(self) -> Template:
        return Template(template_name="base/pages/accessibility.html")
