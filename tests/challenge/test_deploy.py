"""The deployment files say what deploy/README.md promises, and the commands they run exist.
tests/deploy/ checks them in depth (and builds and runs the image)."""

from pathlib import Path

import yaml
from click.testing import CliRunner

from challenge.cli import main

DEPLOY = Path(__file__).parents[2] / "deploy"


def test_the_image_runs_as_a_user_with_the_pdf_libraries_and_a_healthcheck():
    """tests/deploy/test_container.py builds and runs it; this checks the defaults stay as documented."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=python:3.11-slim-bookworm" in dockerfile  # the official image by default
    assert dockerfile.count("FROM ${BASE_IMAGE}") == 2  # multi-stage
    assert "libharfbuzz-subset0" in dockerfile and "USER 10001:0" in dockerfile
    assert "--require-hashes" in dockerfile and "requirements.lock" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile


def test_compose_has_two_replicas_a_proxy_a_worker_and_the_services():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {
        "app",
        "worker",
        "proxy",
        "postgres",
        "seaweedfs",
        "createbucket",
        "mailpit",
        "migrate",
    } <= set(services)
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"] == ["challenge", "worker"]
    assert services["migrate"]["command"] == ["challenge", "migrate"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["app"]["environment"]["CHALLENGE_STORAGE"] == "s3"


def test_kubernetes_manifests_cover_what_production_needs():
    documents = [
        d
        for f in sorted(
            p for p in (DEPLOY / "kubernetes").rglob("*.yaml") if p.name != "kustomization.yaml"
        )
        for d in yaml.safe_load_all(f.read_text())
        if d
    ]
    kinds = {d["kind"] for d in documents}
    assert {
        "Deployment",
        "Service",
        "Ingress",
        "ConfigMap",
        "Secret",
        "Job",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    } <= kinds
    deployments = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Deployment"}
    app = deployments["challenge-app"]["spec"]["template"]["spec"]
    assert app["securityContext"]["runAsNonRoot"] is True
    assert app["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/readyz"
    worker = deployments["challenge-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["command"] == ["challenge", "worker"]
    job = next(d for d in documents if d["kind"] == "Job")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["challenge", "migrate"]


def test_every_command_the_files_run_exists():
    runner = CliRunner()
    for command in (
        ["serve", "--help"],
        ["worker", "--help"],
        ["migrate", "--help"],
        ["backup", "--help"],
        ["restore", "--help"],
        ["privacy", "export", "--help"],
        ["privacy", "erase", "--help"],
    ):
        result = runner.invoke(main, command)
        assert result.exit_code == 0, (command, result.output)
    assert "--no-worker" in runner.invoke(main, ["serve", "--help"]).output
