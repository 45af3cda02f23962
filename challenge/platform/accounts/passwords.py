"""Passwords: argon2id hashing (rehash on parameter change) and the password policy."""

from __future__ import annotations

import asyncio
import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError

# Chosen so one hash costs roughly 50–150 ms on a 2-core server (see the closing note).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)

MIN_LENGTH = 12
MAX_LENGTH = 1024
_COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps "no such user" as slow as "wrong password"."""
    return HASHER.hash("timing-equaliser-not-a-password")


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords that are refused, lower-cased."""
    with gzip.open(_COMMON, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def hash_password(password: str) -> str:
    """The password's Argon2 hash."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends one hash's time."""
    try:
        return HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """Hash in a worker thread: ~75 ms of CPU must not stall every other request."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """``verify_password`` in a worker thread, so hashing never blocks the event loop."""
    return await asyncio.to_thread(verify_password, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters and should be renewed at login."""
    return HASHER.check_needs_rehash(password_hash)


def password_errors(password: str, *, email: str = "", field: str = "password") -> list[FieldError]:
    """What is wrong with a new password (empty when acceptable)."""
    if len(password) < MIN_LENGTH:
        return [FieldError(field, N_("Use at least 12 characters."))]
    if len(password) > MAX_LENGTH:
        return [FieldError(field, N_("Use at most 1024 characters."))]
    lowered = password.strip().lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        return [FieldError(field, N_("This password is too common. Please choose another one."))]
    return []
