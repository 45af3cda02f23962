"""The framework's ceiling: a minimal Litestar + Jinja app that renders the same HTML as the
portal's page (a template holding that page's text), served the way the portal is (uvicorn,
one process, uvloop and httptools when installed, no access log).

Run: python -m tests.benchmarks.ceiling_app <html-file> <port>   (tests/benchmarks/request_path.py
starts it beside the portal).
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from jinja2 import DictLoader, Environment
from litestar import Litestar, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig


def ceiling_app(html: str) -> Litestar:
    """One route, /page, rendering ``html`` as a Jinja template with a small context."""
    environment = Environment(loader=DictLoader({"page.html": html}), autoescape=True)

    @get("/page", sync_to_thread=False)
    def page() -> Template:
        return Template(template_name="page.html", context={"title": "Smart City Challenge"})

    return Litestar(
        route_handlers=[page],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        debug=False,
    )


def main() -> None:
    html = Path(sys.argv[1]).read_text(encoding="utf-8").replace("{", "{{ '{' }}")
    uvicorn.run(
        ceiling_app(html),
        host="127.0.0.1",
        port=int(sys.argv[2]),
        log_level="warning",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
