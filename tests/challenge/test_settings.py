"""Settings from CHALLENGE_* variables: defaults, every bad value named, first-start files."""

import os
import stat
import subprocess
import sys

import pytest

from challenge.settings import SettingsError, load_settings, prepare


def test_settings_defaults_are_embedded(tmp_path):
    settings = load_settings({}, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'challenge.sqlite3'}"
    assert settings.storage == "local"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.ocds_prefix == "ocds-000000"
    assert settings.trusted_proxies == ()
    assert settings.smtp_url is None


def test_settings_read_production_values(tmp_path):
    settings = load_settings(
        {
            "CHALLENGE_DATA_DIR": str(tmp_path),
            "CHALLENGE_DATABASE_URL": "postgres://u:pw@db:5432/challenge",
            "CHALLENGE_STORAGE": "S3",
            "CHALLENGE_S3_BUCKET": "documents",
            "CHALLENGE_S3_ENDPOINT_URL": "http://minio:9000",
            "CHALLENGE_BASE_URL": "https://challenge.leipzig.de/",
            "CHALLENGE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7",
            "CHALLENGE_SESSION_IDLE_HOURS": "4",
        }
    )
    assert settings.database_url == "postgresql://u:pw@db:5432/challenge"
    assert settings.storage == "s3"
    assert settings.base_url == "https://challenge.leipzig.de"
    assert settings.https
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.168.1.7/32")
    assert settings.session_idle_hours == 4


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CHALLENGE_STORAGE", "ftp", "one of: local, s3"),
        ("CHALLENGE_DATABASE_URL", "mysql://db/x", "sqlite:///<path> or postgresql://"),
        ("CHALLENGE_DATABASE_URL", "sqlite://relative.db", "sqlite:///<path>"),
        ("CHALLENGE_BASE_URL", "challenge.leipzig.de", "absolute http(s) URL"),
        ("CHALLENGE_BASE_URL", "https://leipzig.de/portal", "without path"),
        ("CHALLENGE_SMTP_URL", "http://mail", "smtp://"),
        ("CHALLENGE_S3_ENDPOINT_URL", "minio:9000", "http(s) URL"),
        ("CHALLENGE_TRUSTED_PROXIES", "10.0.0.0/8,not-an-ip", "IP addresses or networks"),
        ("CHALLENGE_OCDS_PREFIX", "OCDS-123", "ocds-"),
        ("CHALLENGE_OPENDATA_LICENSE", "dl-de/by-2-0", "URL of the open data licence"),
        ("CHALLENGE_OPENDATA_PUBLISHER", "x" * 201, "1 to 200 characters"),
        ("CHALLENGE_SESSION_IDLE_HOURS", "eight", "whole number of hours"),
        ("CHALLENGE_SESSION_IDLE_HOURS", "0", "whole number of hours"),
        ("CHALLENGE_SESSION_MAX_DAYS", "1000", "whole number of days"),
        ("CHALLENGE_LOG_LEVEL", "loud", "debug, info, warning, error"),
        ("CHALLENGE_LOG_FORMAT", "xml", "json (one object per line) or text"),
        ("CHALLENGE_DRAFT_RETENTION_MONTHS", "0", "whole months, 1 to 120"),
        ("CHALLENGE_SECRET_KEY", "short", "at least 32 characters"),
    ],
)
def test_settings_bad_value_names_variable_and_allowed_values(tmp_path, variable, value, expected):
    with pytest.raises(SettingsError) as error:
        load_settings({"CHALLENGE_DATA_DIR": str(tmp_path), variable: value})
    message = str(error.value)
    assert variable in message
    assert expected in message
    assert "\n" not in message


def test_settings_s3_requires_bucket(tmp_path):
    with pytest.raises(SettingsError, match="CHALLENGE_S3_BUCKET is required"):
        load_settings({"CHALLENGE_DATA_DIR": str(tmp_path), "CHALLENGE_STORAGE": "s3"})


def test_settings_data_dir_that_is_a_file_is_refused(tmp_path):
    file = tmp_path / "not-a-dir"
    file.write_text("x")
    with pytest.raises(SettingsError, match="CHALLENGE_DATA_DIR"):
        load_settings({"CHALLENGE_DATA_DIR": str(file)})


def test_prepare_creates_data_dirs_and_a_stable_private_secret_key(tmp_path):
    settings = load_settings({"CHALLENGE_DATA_DIR": str(tmp_path / "var")})
    first = prepare(settings)
    assert (tmp_path / "var" / "documents").is_dir()
    assert (tmp_path / "var" / "mail").is_dir()
    key_file = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32
    assert prepare(settings).secret_key == first.secret_key


def test_prepare_keeps_a_configured_secret_key(tmp_path):
    key = "k" * 40
    settings = prepare(
        load_settings({"CHALLENGE_DATA_DIR": str(tmp_path), "CHALLENGE_SECRET_KEY": key})
    )
    assert settings.secret_key == key
    assert not (tmp_path / "secret_key").exists()


def test_cli_stops_with_one_line_naming_the_bad_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(CHALLENGE_DATA_DIR=str(tmp_path), CHALLENGE_STORAGE="ftp")
    result = subprocess.run(
        [sys.executable, "-m", "challenge", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "CHALLENGE_STORAGE='ftp'" in lines[0]
    assert "local, s3" in lines[0]
    assert not (tmp_path / "challenge.sqlite3").exists()
