"""nginx in front of the compose replicas: it re-resolves the app (recreated replicas get new
addresses), never reuses a connection the portal may be closing, does not pass /metrics, and its
body limit fits CHALLENGE_UPLOAD_MAX_MB. `nginx -t` (Debian's 1.22) accepts the rendered template."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from challenge.settings import load_settings

DEPLOY = Path(__file__).parents[2] / "deploy"
TEMPLATE = (DEPLOY / "nginx.conf").read_text()


def proxy_environment() -> dict[str, str]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["proxy"]["environment"]


def render(resolvers: str = "127.0.0.1") -> str:
    """What the official image's entrypoint makes of the template (envsubst of NGINX_* only)."""
    values = {**proxy_environment(), "NGINX_LOCAL_RESOLVERS": resolvers}
    return re.sub(r"\$\{(NGINX_[A-Z_]+)\}", lambda m: values[m.group(1)], TEMPLATE)


def megabytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([mMkK]?)", size).groups()
    return int(number) if unit in "mM" else int(number) // 1024


def test_the_app_is_looked_up_at_run_time_and_no_upstream_connection_is_reused():
    text = render()
    assert re.search(r"^resolver 127\.0\.0\.1 valid=\d+s", text, re.M)
    assert "set $portal http://app:8000;" in text and "proxy_pass $portal;" in text
    # an upstream block would resolve once at start (nginx < 1.27.3 has no `resolve` there)
    assert not re.search(r"^\s*upstream\b", text, re.M)


def test_metrics_are_not_proxied():
    text = render()
    assert re.search(r"location = /metrics \{\s*return 404;", text)
    assert re.search(r"location \^~ /metrics/ \{\s*return 404;", text)


def test_the_body_limit_fits_the_portal_upload_limit(tmp_path):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    upload_mb = int(compose["x-portal"]["environment"]["CHALLENGE_UPLOAD_MAX_MB"])
    limit = megabytes(proxy_environment()["NGINX_CLIENT_MAX_BODY_SIZE"])
    assert upload_mb < limit <= upload_mb + 20  # room for the multipart envelope, not much more
    # the Kubernetes ingress with the default upload limit
    ingress = next(
        d
        for d in yaml.safe_load_all((DEPLOY / "kubernetes" / "base" / "app.yaml").read_text())
        if d["kind"] == "Ingress"
    )
    ingress_mb = megabytes(
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    )
    configmap = yaml.safe_load((DEPLOY / "kubernetes" / "base" / "configmap.yaml").read_text())[
        "data"
    ]
    portal_mb = load_settings(
        {**configmap, "CHALLENGE_SECRET_KEY": "k" * 32}, cwd=tmp_path
    ).upload_max_mb
    assert portal_mb < ingress_mb <= portal_mb + 20


@pytest.mark.deploy_tools
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    (tmp_path / "default.conf").write_text(render())
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/default.conf;\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
