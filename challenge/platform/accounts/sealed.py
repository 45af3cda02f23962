"""Short-lived values the portal signs for itself (cookies of a sign-in in progress): a JWT
(HS256, joserfc) with ``iat`` and ``exp``, under a key of its purpose, so a value sealed for one
purpose never opens as another's."""

from __future__ import annotations

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from challenge.platform import clock
from challenge.settings import Settings


def _key(settings: Settings, purpose: str) -> OctKey:
    secret = settings.secret_key or ""
    return OctKey.import_key(f"{purpose}:{secret}" if purpose else secret)


def seal(settings: Settings, purpose: str, payload: dict, seconds: int) -> str:
    """``payload`` signed for ``purpose``, valid for ``seconds`` from now."""
    now = int(clock.now().timestamp())
    claims = {**payload, "iat": now, "exp": now + seconds}
    return jwt.encode({"alg": "HS256"}, claims, _key(settings, purpose))


def unseal(settings: Settings, purpose: str, value: str | None) -> dict | None:
    """The claims of a value sealed for ``purpose`` that has not expired, else None."""
    if not value:
        return None
    try:
        token = jwt.decode(value, _key(settings, purpose), algorithms=["HS256"])
        now = int(clock.now().timestamp())
        jwt.JWTClaimsRegistry(now=now, exp={"essential": True}).validate(token.claims)
    except (JoseError, ValueError):
        return None
    return token.claims
