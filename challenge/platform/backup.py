"""Backups of the embedded default: the SQLite database (online backup API, consistent while the
portal runs), the local documents and a manifest with the SHA-256 of every file. Restoring checks
every checksum first and replaces nothing unless all match, and refuses while a portal or worker
uses the data (challenge.platform.datalock). PostgreSQL and S3 are backed up with
their own tools (deploy/README.md: pg_dump, bucket versioning)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from challenge import __version__
from challenge.platform import clock, datalock
from challenge.settings import Settings

MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
DOCUMENTS = "documents"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in one line."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _supported(settings: Settings) -> None:
    if not settings.is_sqlite:
        raise BackupError(
            "challenge backup covers the embedded SQLite database; back up PostgreSQL with pg_dump "
            "(see deploy/README.md)"
        )
    if settings.storage != "local":
        raise BackupError(
            "challenge backup covers local documents; use S3 bucket versioning (see deploy/README.md)"
        )


def backup(settings: Settings, target: Path) -> dict:
    """Write a backup into target (new or empty); returns the manifest."""
    _supported(settings)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new folder")
    if not settings.sqlite_path.is_file():
        raise BackupError(f"no database at {settings.sqlite_path}")
    target.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(settings.sqlite_path)
    destination = sqlite3.connect(target / DATABASE)
    try:
        with destination:
            source.backup(destination)  # consistent even while the portal writes
    finally:
        destination.close()
        source.close()
    files = []
    documents = settings.documents_dir
    if documents.is_dir():
        for path in sorted(p for p in documents.rglob("*") if p.is_file()):
            relative = path.relative_to(documents)
            copy = target / DOCUMENTS / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files.append(
                {
                    "path": f"{DOCUMENTS}/{relative.as_posix()}",
                    "size": copy.stat().st_size,
                    "sha256": sha256_of(copy),
                }
            )
    manifest = {
        "format": 1,
        "portal_version": __version__,
        "created_at": clock.now().isoformat(),
        "database": {
            "path": DATABASE,
            "size": (target / DATABASE).stat().st_size,
            "sha256": sha256_of(target / DATABASE),
        },
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    """Check the manifest and every file's size and SHA-256; raise naming the first problem."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: not a backup") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{source / MANIFEST} is damaged") from None
    if manifest.get("format") != 1:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for entry in [manifest["database"], *manifest["files"]]:
        path = (source / entry["path"]).resolve()
        if source.resolve() not in path.parents:
            raise BackupError(f"the manifest names a file outside the backup: {entry['path']}")
        if not path.is_file():
            raise BackupError(f"missing from the backup: {entry['path']}")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"checksum mismatch, the backup is damaged: {entry['path']}")
    return manifest


def restore(
    settings: Settings,
    source: Path,
    *,
    force: bool = False,
    warn: Callable[[str], None] = lambda message: None,
) -> dict:
    """Replace the database and the documents with the backup's — only after every file checked
    out, and only while no portal or worker uses them (unless force)."""
    _supported(settings)
    try:
        with datalock.exclusive(settings, force=force, warn=warn):
            manifest = verify(source)
            _replace(settings, source, manifest)
    except datalock.PortalRunning as error:
        raise BackupError(str(error)) from None
    return manifest


def _replace(settings: Settings, source: Path, manifest: dict) -> None:
    documents = settings.documents_dir
    staging = documents.with_name(documents.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for entry in manifest["files"]:
        copy = staging / Path(entry["path"]).relative_to(DOCUMENTS)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / entry["path"], copy)
    _restore_database(settings, source)
    _swap_documents(documents, staging)


def _restore_database(settings: Settings, source: Path) -> None:
    # through the backup API, so the WAL and open readers stay consistent
    backup_db = sqlite3.connect(source / DATABASE)
    live = sqlite3.connect(settings.sqlite_path)
    try:
        with live:
            backup_db.backup(live)
    finally:
        live.close()
        backup_db.close()


def _swap_documents(documents: Path, staging: Path) -> None:
    old = documents.with_name(documents.name + ".replaced")
    shutil.rmtree(old, ignore_errors=True)
    if documents.exists():
        os.replace(documents, old)
    os.replace(staging, documents)
    shutil.rmtree(old, ignore_errors=True)
