"""Backups of the embedded default: backup → wipe → restore gives identical data and files; a
damaged backup is refused before anything is replaced."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "challenge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def embedded(tmp_path):
    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(data),
        CHALLENGE_DATABASE_URL=f"sqlite:///{data / 'challenge.sqlite3'}",
        CHALLENGE_LOG_LEVEL="warning",
    )
    loaded = run(env, "demo")  # includes issued PDFs (the demo partnership's contract)
    assert loaded.returncode == 0, loaded.stderr
    return env, data


def snapshot(data: Path) -> tuple[list[str], dict[str, str]]:
    connection = sqlite3.connect(data / "challenge.sqlite3")
    try:
        dump = list(connection.iterdump())
    finally:
        connection.close()
    files = {
        p.relative_to(data / "documents").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (data / "documents").rglob("*")
        if p.is_file()
    }
    return dump, files


def test_backup_wipe_restore_gives_identical_data_and_files(embedded, tmp_path):
    env, data = embedded
    before = snapshot(data)
    assert before[1], "the demo stores documents"
    made = run(env, "backup", "--to", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "backup" / "manifest.json").is_file()
    (data / "challenge.sqlite3").unlink()
    for leftover in data.glob("challenge.sqlite3-*"):
        leftover.unlink()
    shutil.rmtree(data / "documents")
    restored = run(env, "restore", "--from", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert snapshot(data) == before
    audit = run(env, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_a_damaged_backup_is_refused_before_anything_is_replaced(embedded, tmp_path):
    env, data = embedded
    assert run(env, "backup", "--to", str(tmp_path / "backup")).returncode == 0
    damaged = next(p for p in (tmp_path / "backup" / "documents").rglob("*") if p.is_file())
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"X")
    # the live data moves on after the backup; a refused restore must leave it as it is
    connection = sqlite3.connect(data / "challenge.sqlite3")
    with connection:
        connection.execute(
            "UPDATE calls SET title = 'Nach dem Backup geändert' WHERE slug = 'mobilitaet-2025'"
        )
    connection.close()
    before = snapshot(data)
    refused = run(env, "restore", "--from", str(tmp_path / "backup"))
    assert refused.returncode == 1
    assert (
        "checksum mismatch" in refused.stderr
        and damaged.name in refused.stderr
        and "nothing was replaced" in refused.stderr
    )
    assert snapshot(data) == before
    assert not (data / "documents.restoring").exists()


def test_backup_refuses_a_used_folder_and_restore_a_folder_without_manifest(embedded, tmp_path):
    env, _data = embedded
    used = tmp_path / "used"
    used.mkdir()
    (used / "x.txt").write_text("x")
    assert "not empty" in run(env, "backup", "--to", str(used)).stderr
    assert "not a backup" in run(env, "restore", "--from", str(used)).stderr


def test_postgresql_is_backed_up_with_its_own_tools(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(tmp_path / "var"),
        CHALLENGE_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/none",
    )
    result = run(env, "backup", "--to", str(tmp_path / "backup"))
    assert result.returncode == 1 and "pg_dump" in result.stderr
