"""TOTP codes (RFC 6238: 30-second steps, 6 digits, one step of clock drift either way), the
secret encrypted at rest and the enrolment's QR code — the pieces of two-factor login that
need no database (challenge.platform.accounts.two_factor uses them)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime
from functools import lru_cache

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pyotp.utils import strings_equal

ISSUER = "Smart City Challenge"
STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # one step before and after: a phone's clock a little off still works
RECOVERY_CODES = 10
# 24 characters of 31 (no 0/o, 1/l/i): 118 bits, in six groups of four for reading aloud
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 24
GROUP = 4
_EARLIER_LENGTH = 10  # codes handed out before (``abcde-fghjk``) still work until renewed


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    """Fernet with a key of its own, derived from the portal's secret key (HKDF-SHA256)."""
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"smart-city-challenge",
        info=b"totp-secrets-v1",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def seal(secret_key: str, secret: str) -> str:
    """The secret encrypted for the database."""
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str | None:
    """The secret of a sealed value, or None if it was sealed with another key."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def step_of(moment: datetime) -> int:
    """The 30-second step a moment falls in."""
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code of a step (what the person's app shows during it)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(step * STEP_SECONDS)


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The step within the window whose code this is, or None (compared in constant time)."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_of(moment)
    found = None
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if strings_equal(code_at(secret, step), code):
            found = step
    return found


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address the authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The QR code of an otpauth address as inline SVG (rendered here, no outside service)."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", svgclass="totp-qr"
    )


def grouped(secret: str) -> str:
    """The secret in groups of four for typing it by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes as the person sees them (``abcd-efgh-jkmn-pqrs-tuvw-xyz2``)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(_grouped_code(raw))
    return codes


def _grouped_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_recovery_code(code: str) -> str:
    """A recovery code as typed (any case, spaces or dashes) in its canonical form."""
    raw = "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())
    if len(raw) == RECOVERY_LENGTH:
        return _grouped_code(raw)
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == _EARLIER_LENGTH else ""


def recovery_hash(code: str) -> str:
    """What is stored of a recovery code: SHA-256 (the code is random, 118 bits)."""
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
