"""Waiting for a `challenge serve` started as a subprocess (benchmarks, browser journeys, scale-out)."""

from __future__ import annotations

import email
import email.policy
import re
import time
from pathlib import Path

import httpx


def wait_until_ready(base: str, seconds: float = 90.0) -> None:
    """Until GET /readyz answers 200; a server that does not come up is an error, not a hang."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


def reset_mail_text(base: str, spool: Path, address: str = "wer@example.org") -> str:
    """Ask a served portal for a password reset of an unknown address and return the plain text
    of the first mail that arrives in the spool (delivered by its worker)."""
    # The CSRF cookie as a browser has it (sent by hand: behind an https base URL it is Secure,
    # which httpx keeps off plain http).
    cookie = httpx.get(f"{base}/impressum").headers["set-cookie"]
    token = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    answer = httpx.post(
        f"{base}/api/v1/auth/password-reset",
        json={"email": address},
        headers={"x-csrftoken": token, "cookie": f"csrftoken={token}"},
    )
    assert answer.status_code == 202
    deadline = time.monotonic() + 60
    while not list(spool.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    message = email.message_from_bytes(
        next(spool.glob("*.eml")).read_bytes(), policy=email.policy.default
    )
    return message.get_body(("plain",)).get_content()
