"""The `challenge` command line on a fresh database (run as a subprocess, like a user)."""

import subprocess
import sys


def run(env, *args, input_text=None):
    return subprocess.run(
        [sys.executable, "-m", "challenge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=input_text,
    )


def test_users_create_makes_a_verified_staff_user(cli_env):
    env = {**cli_env, "CHALLENGE_NEW_PASSWORD": "ein-langes-Passwort-42"}
    result = run(
        env,
        "users",
        "create",
        "--email",
        " Anna.Schmidt@Leipzig.DE ",
        "--name",
        "Anna Schmidt",
        "--role",
        "staff",
    )
    assert result.returncode == 0, result.stderr
    assert "Created staff anna.schmidt@leipzig.de." in result.stdout
    again = run(
        env,
        "users",
        "create",
        "--email",
        "anna.schmidt@leipzig.de",
        "--name",
        "Anna",
        "--role",
        "staff",
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_users_create_refuses_a_short_password(cli_env):
    env = {**cli_env, "CHALLENGE_NEW_PASSWORD": "kurz"}
    result = run(env, "users", "create", "--email", "a@b.de", "--name", "A", "--role", "admin")
    assert result.returncode == 1
    assert "at least 12 characters" in result.stderr


def test_users_create_prompts_for_the_password(cli_env):
    result = run(
        cli_env,
        "users",
        "create",
        "--email",
        "p@b.de",
        "--name",
        "P",
        input_text="ein-langes-Passwort-42\nein-langes-Passwort-42\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Created applicant p@b.de." in result.stdout


def test_users_create_refuses_an_unknown_role(cli_env):
    result = run(
        {**cli_env, "CHALLENGE_NEW_PASSWORD": "ein-langes-Passwort-42"},
        "users",
        "create",
        "--email",
        "x@b.de",
        "--name",
        "X",
        "--role",
        "juror",
    )
    assert result.returncode == 2
    assert "juror" in result.stderr


def test_demo_loads_once(cli_env):
    first = run(cli_env, "demo")
    assert first.returncode == 0, first.stderr
    assert "3 calls" in first.stdout
    second = run(cli_env, "demo")
    assert second.returncode == 0, second.stderr
    assert "0 users, 0 calls, 0 challenges, 0 proposals, 0 jurors" in second.stdout
    assert "5 challenges" in first.stdout
    assert "4 jurors" in first.stdout
    assert "12 proposals" in first.stdout
    assert "8 past entries" in first.stdout


def test_privacy_export_and_erase_from_the_command_line(cli_env, tmp_path):
    env = {**cli_env, "CHALLENGE_NEW_PASSWORD": "ein-langes-Passwort-42"}
    assert (
        run(env, "users", "create", "--email", "weg@example.org", "--name", "Wilma Weg").returncode
        == 0
    )
    exported = run(
        env, "privacy", "export", "--email", "weg@example.org", "--to", str(tmp_path / "daten.zip")
    )
    assert exported.returncode == 0, exported.stderr
    import zipfile

    assert "weg@example.org" in zipfile.ZipFile(tmp_path / "daten.zip").read("person.json").decode()
    asked = run(env, "privacy", "erase", "--email", "weg@example.org", input_text="n\n")
    assert asked.returncode == 1 and "Aborted" in asked.stderr
    erased = run(env, "privacy", "erase", "--email", "weg@example.org", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert "Kept: audit_log" in erased.stdout and "Pseudonymised: account" in erased.stdout
    again = run(env, "privacy", "erase", "--email", "weg@example.org", "--yes")
    assert again.returncode == 1 and "no account" in again.stderr
    assert run(env, "audit", "verify").returncode == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mailed_link(env, port: int, tmp_path) -> str:
    """Serve on `port`, ask for a password reset, and return the register link of the mail."""
    import re

    from tests.support.servers import reset_mail_text, wait_until_ready

    server = subprocess.Popen(
        [sys.executable, "-m", "challenge", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base)
        text = reset_mail_text(base, tmp_path / "var" / "mail")
        return re.search(r"https?://\S+/register", text).group(0)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_port_sets_the_base_url_of_mail_links(cli_env, tmp_path):
    """Without CHALLENGE_BASE_URL, a mail sent by `serve --port P` links to port P, not 8000."""
    port = _free_port()
    assert _mailed_link(cli_env, port, tmp_path) == f"http://127.0.0.1:{port}/register"


def test_a_configured_base_url_wins_over_the_served_port(tmp_path):
    from challenge.cli import served_settings
    from challenge.settings import load_settings

    unset = load_settings({}, cwd=tmp_path)
    assert served_settings(unset, "127.0.0.1", 8123).base_url == "http://127.0.0.1:8123"
    configured = load_settings(
        {"CHALLENGE_BASE_URL": "https://challenge.example.org/"}, cwd=tmp_path
    )
    assert served_settings(configured, "0.0.0.0", 8123).base_url == "https://challenge.example.org"


def test_served_url_names_a_reachable_address():
    from challenge.cli import served_url

    assert served_url("127.0.0.1", 8765) == "http://127.0.0.1:8765"
    assert served_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert served_url("::", 9000) == "http://[::1]:9000"
    assert served_url("localhost", 8001) == "http://localhost:8001"


async def test_a_command_s_connection_gives_the_tables_back_to_the_app_s_engine(app, tmp_path):
    """db.connected (the commands, and tests that reach into a portal's own database) binds the
    tables to another database for a while; afterwards they are the app's again."""
    from challenge import db
    from challenge.settings import load_settings, prepare

    before = db.current_engine()
    other = prepare(load_settings({"CHALLENGE_DATA_DIR": str(tmp_path / "other")}))
    async with db.connected(other) as engine:
        assert db.current_engine() is engine is not before
    assert db.current_engine() is before
