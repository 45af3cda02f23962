"""The image, built and started here: deploy/Dockerfile on a base made from Debian packages
(deploy/podman/base-image.sh, cached), then `migrate`, `serve` and `worker` containers as the
image's non-root user with a read-only root file system, against the local PostgreSQL, a moto S3
server and an SMTP server in this process. An applicant signs in, uploads and submits; the worker
container delivers the receipt. Figures (image size, start to /readyz, SBOM components) go to
test-output/container.json.

Deselected by default (pyproject's addopts); `.ci/run` runs it as its own step:
    .venv/bin/pytest -m container tests/deploy/test_container.py
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import boto3
import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.challenge.platform.mail.test_mail import Inbox, start_smtp
from tests.support.applicant_flow import log_in, submit_proposal
from tests.support.databases import _in_thread, _with_database
from tests.support.files import pdf
from tests.support.s3 import BUCKET, REGION, MotoS3, free_port
from tests.support.scale_out import PASSWORD, _in_subprocess

pytestmark = pytest.mark.container

ROOT = Path(__file__).parents[2]
CONF = ROOT / "deploy" / "podman" / "containers.conf"
IMAGE = "localhost/smart-city-challenge:test"
CACHE = Path(os.environ.get("CHALLENGE_CI_CACHE", "/var/cache/challenge-ci"))
TOOLS = CACHE / "tools" / "bin"  # cyclonedx-py (installed by .ci/run, outside the project's venv)
OUTPUT = ROOT / "test-output"
PG = (
    os.environ.get("CHALLENGE_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
RUN = [
    "run",
    "--runtime",
    "/usr/sbin/runc",
    "--network",
    "host",
    "--no-healthcheck",
]  # no systemd timers here


def podman(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONTAINERS_CONF": str(CONF)}
    done = subprocess.run(
        ["podman", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    if check and done.returncode:
        raise AssertionError(
            f"podman {' '.join(args[:3])} … failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    return done


@pytest.fixture(scope="module")
def figures():
    found: dict = {}
    yield found
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "container.json").write_text(json.dumps(found, indent=2) + "\n")
    print("\ncontainer figures:", json.dumps(found))


@pytest.fixture(scope="module")
def image(figures) -> str:
    started = time.monotonic()
    env = {**os.environ, "CONTAINERS_CONF": str(CONF), "CHALLENGE_CI_CACHE": str(CACHE)}
    base = (
        subprocess.run(
            [str(ROOT / "deploy" / "podman" / "base-image.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    figures["base_seconds"] = round(time.monotonic() - started, 1)
    build = [
        "build",
        "--runtime",
        "/usr/sbin/runc",
        "--network",
        "host",
        "--format",
        "docker",
        "-f",
        "deploy/Dockerfile",
        "--build-arg",
        f"BASE_IMAGE={base}",
        "-t",
        IMAGE,
    ]
    if HOST_CA.exists():  # this machine's TLS proxy: pip in the build trusts what the host trusts
        build += [
            "--volume",
            f"{HOST_CA}:/etc/ssl/certs/build-ca.crt:ro",
            "--build-arg",
            "PIP_CERT=/etc/ssl/certs/build-ca.crt",
        ]
    podman(*build, ".")
    figures["build_seconds"] = round(time.monotonic() - started, 1)
    figures["image_bytes"] = int(
        podman("image", "inspect", IMAGE, "--format", "{{.Size}}").stdout.strip()
    )
    return IMAGE


@pytest.fixture
def database():
    name = f"challenge_container_{secrets.token_hex(6)}"

    async def execute(sql: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(_with_database(PG, "postgres"))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    _in_thread(lambda: execute(f'CREATE DATABASE "{name}"'))
    yield _with_database(PG, name)
    _in_thread(lambda: execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def services():
    moto = MotoS3()
    moto.start()
    moto.create_bucket()
    inbox = Inbox()
    smtp = start_smtp(inbox)
    yield moto, inbox, f"smtp://127.0.0.1:{smtp.port}"
    smtp.stop()
    moto.stop()


def test_the_image_has_a_numeric_non_root_user_and_a_venv_from_the_lock(image, figures):
    inspected = json.loads(podman("image", "inspect", image).stdout)[0]
    assert (
        inspected["Config"]["User"] == "10001:0"
    )  # numeric: Kubernetes can check runAsNonRoot against it
    assert "/healthz" in inspected["Healthcheck"]["Test"][-1]
    # OpenShift's restricted-v2 runs an arbitrary UID in group 0: the data folder (an anonymous
    # volume from the image) is writable for it, the root file system is not
    arbitrary = [
        "--rm",
        "--user",
        "1000770000:0",
        "--read-only",
        "--tmpfs",
        "/tmp",
        image,
        "sh",
        "-c",
    ]
    assert (
        podman(*RUN, *arbitrary, "touch /var/lib/challenge/probe && id -u").stdout.strip()
        == "1000770000"
    )
    assert podman(*RUN, *arbitrary, "touch /opt/venv/probe", check=False).returncode != 0
    frozen = podman(*RUN, "--rm", image, "pip", "freeze", "--exclude-editable").stdout
    locked = set()
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith(" "):
            requirement = Requirement(line.rstrip(" \\"))
            if (
                requirement.marker is None or requirement.marker.evaluate()
            ):  # this machine: Linux, 3.11
                locked.add(f"{canonicalize_name(requirement.name)}{requirement.specifier}")
    installed = {
        f"{canonicalize_name(name)}=={version}"
        for name, version in (line.split("==") for line in frozen.splitlines() if "==" in line)
    } - {"smart-city-challenge==0.1.0"}
    assert installed == locked

    # The SBOM of what the image runs: CycloneDX over the image's venv.
    mount = podman("image", "mount", image).stdout.strip()
    try:
        OUTPUT.mkdir(exist_ok=True)
        sbom = OUTPUT / "sbom.cdx.json"
        subprocess.run(
            [
                str(TOOLS / "cyclonedx-py"),
                "environment",
                "--of",
                "JSON",
                "-o",
                str(sbom),
                f"{mount}/opt/venv",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        podman("image", "unmount", image)
    components = json.loads(sbom.read_text())["components"]
    figures["sbom_components"] = len(components)
    assert {c["name"].lower() for c in components} >= {"litestar", "piccolo", "weasyprint", "boto3"}


async def test_migrate_serve_and_worker_containers_run_an_applicant_flow_read_only(
    image, figures, database, services, tmp_path
):
    moto, inbox, smtp_url = services
    prefix = f"container-{secrets.token_hex(4)}/"
    data = tmp_path / "data"  # the data volume; the image's user (10001, group 0) owns it
    data.mkdir()
    os.chown(data, 10001, 0)
    data.chmod(0o770)
    settings = {
        "CHALLENGE_DATABASE_URL": database,
        "CHALLENGE_SECRET_KEY": secrets.token_hex(32),
        "CHALLENGE_STORAGE": "s3",
        "CHALLENGE_S3_BUCKET": BUCKET,
        "CHALLENGE_S3_ENDPOINT_URL": moto.url,
        "CHALLENGE_S3_REGION": REGION,
        "CHALLENGE_S3_PREFIX": prefix,
        "CHALLENGE_SMTP_URL": smtp_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "CHALLENGE_LOG_LEVEL": "warning",
    }
    options = [
        *RUN,
        "--read-only",
        "--tmpfs",
        "/tmp:rw,size=64m,mode=1777",
        "--volume",
        f"{data}:/var/lib/challenge",
    ]
    for key, value in settings.items():
        options += ["--env", f"{key}={value}"]
    names = []

    def start(role: str, *command: str) -> str:
        name = f"challenge-{role}-{secrets.token_hex(4)}"
        podman(*options, "--detach", "--name", name, image, *command)
        names.append(name)
        return name

    try:
        migrated = podman(*options, "--rm", image, "challenge", "migrate", check=False)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        host_env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        host_env.update(settings, CHALLENGE_DATA_DIR=str(tmp_path / "host"))
        _in_subprocess(host_env, "prepare", "1")  # an applicant with a team, an open call

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        serve = start(
            "serve", "challenge", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"
        )
        ready = None
        while time.monotonic() - started < 60:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
        assert ready is not None and ready.status_code == 200, podman(
            "logs", serve, check=False
        ).stderr[-3000:]
        figures["run_to_readyz_seconds"] = round(time.monotonic() - started, 2)
        start("worker", "challenge", "worker", "--poll-interval", "0.2")

        client, team = await log_in(base, "s0@example.org", PASSWORD, "10.1.0.1")
        try:
            await submit_proposal(client, "skalierung", team, pdf("Container", size=50 * 1024))
        finally:
            await client.aclose()
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert [rcpts for rcpts, _message in inbox.messages] == [["s0@example.org"]]
        s3 = boto3.client("s3", endpoint_url=moto.url, region_name=REGION)
        assert s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["KeyCount"] == 1

        # the image's user, not root; nothing but the data volume and /tmp is writable
        for name in names:
            assert podman("exec", name, "id", "-u").stdout.strip() == "10001"
            assert (
                podman(
                    "exec", name, "sh", "-c", "touch /var/lib/challenge/probe /tmp/probe"
                ).returncode
                == 0
            )
            for path in ("/opt/venv/probe", "/etc/probe", "/probe"):
                denied = podman("exec", name, "touch", path, check=False)
                assert denied.returncode != 0 and "Read-only file system" in denied.stderr, path
        assert (
            podman("inspect", serve, "--format", "{{.HostConfig.ReadonlyRootfs}}").stdout.strip()
            == "true"
        )
    finally:
        for name in names:
            podman("rm", "--force", "--time", "10", name, check=False)
        shutil.rmtree(data, ignore_errors=True)
