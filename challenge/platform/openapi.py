"""OpenAPI at /schema with Swagger UI served from the portal's own static files (no CDN)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from markupsafe import escape

from challenge import __version__

SWAGGER = "/static/vendor/swagger-ui-dist-5.35.0"


class LocalSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI from vendored files, started by an external script (CSP: no inline script)."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
            path="/",
        )

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema["info"]["title"])
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{self.css_url}">
</head>
<body>
<main id="swagger-container" data-spec-url="{spec_url}"></main>
<script src="{self.js_url}"></script>
<script src="{self.standalone_preset_js_url}"></script>
<script src="/static/js/swagger-init.js"></script>
</body>
</html>""".encode()


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Smart City Challenge API",
        version=__version__,
        description=(
            "JSON API of the Smart City Challenge portal. Errors are RFC 9457 "
            "application/problem+json with a stable `code`."
        ),
        path="/schema",
        render_plugins=[LocalSwaggerRenderPlugin()],
    )
