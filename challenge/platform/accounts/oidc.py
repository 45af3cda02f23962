"""OpenID Connect with the city's identity provider: discovery, the signed flow cookie, the
authorization code flow with PKCE and the ID token's validation (Authlib and joserfc, no
hand-rolled JOSE)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from challenge.platform import clock
from challenge.platform.accounts import sealed
from challenge.settings import Settings

SCOPE = "openid email profile"
FLOW_COOKIE = "oidc_flow"
FLOW_SECONDS = 600  # the person has ten minutes at the provider
# Discovery and keys are kept this long; an unknown key id fetches the keys again at once.
CACHE_FOR = timedelta(hours=1)
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]

_discovery: dict[str, tuple[object, dict]] = {}
_jwks: dict[str, tuple[object, dict]] = {}


class OidcError(Exception):
    """The sign-in through the provider cannot go on; the message is for the audit log."""


class UnknownKey(OidcError):
    """The ID token names a key the cached key set lacks (the provider may have rotated)."""


@dataclass(frozen=True)
class Flow:
    """What the portal remembers between the redirect to the provider and the callback."""

    state: str
    nonce: str
    verifier: str
    next: str


def enabled(settings: Settings) -> bool:
    """Single sign-on is on when an issuer is configured."""
    return bool(settings.oidc_issuer)


def redirect_uri(settings: Settings) -> str:
    return f"{settings.base_url}/auth/oidc/callback"


async def _get_json(url: str) -> dict:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url)
    if response.status_code != 200:
        raise OidcError(f"{url} answered {response.status_code}")
    return response.json()


async def discovery(issuer: str) -> dict:
    """The provider's metadata (cached); its issuer must be the configured one."""
    cached = _discovery.get(issuer)
    if cached and cached[0] > clock.now():
        return cached[1]
    metadata = await _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise OidcError("the discovery document names another issuer")
    _discovery[issuer] = (clock.now() + CACHE_FOR, metadata)
    return metadata


async def key_set(issuer: str, *, refresh: bool = False) -> dict:
    """The provider's signing keys (JWKS, cached; ``refresh`` fetches them again)."""
    cached = _jwks.get(issuer)
    if cached and cached[0] > clock.now() and not refresh:
        return cached[1]
    keys = await _get_json((await discovery(issuer))["jwks_uri"])
    _jwks[issuer] = (clock.now() + CACHE_FOR, keys)
    return keys


FLOW = ""  # the flow cookie is signed with the secret key itself (sealed.py)


def seal_flow(settings: Settings, flow: Flow) -> str:
    """The flow as a short-lived cookie value signed with the portal's secret key (HS256)."""
    return sealed.seal(settings, FLOW, dict(flow.__dict__), FLOW_SECONDS)


def open_flow(settings: Settings, value: str | None) -> Flow:
    """The flow of a cookie this portal signed within the last ten minutes."""
    if not value:
        raise OidcError("no sign-in in progress")
    claims = sealed.unseal(settings, FLOW, value)
    try:
        return Flow(claims["state"], claims["nonce"], claims["verifier"], claims["next"])
    except (KeyError, TypeError):
        raise OidcError("flow cookie refused") from None


async def start(settings: Settings, next_: str) -> tuple[str, Flow]:
    """The provider's authorization URL (code flow with PKCE, state and nonce) and the flow."""
    metadata = await discovery(settings.oidc_issuer or "")
    flow = Flow(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_,
    )
    url = prepare_grant_uri(
        metadata["authorization_endpoint"],
        settings.oidc_client_id,
        "code",
        redirect_uri=redirect_uri(settings),
        scope=SCOPE,
        state=flow.state,
        nonce=flow.nonce,
        code_challenge=create_s256_code_challenge(flow.verifier),
        code_challenge_method="S256",
    )
    return url, flow


async def finish(settings: Settings, flow: Flow, *, state: str, code: str) -> dict:
    """Check the state, exchange the code (with the PKCE verifier) and return the validated
    claims of the ID token."""
    if not state or not secrets.compare_digest(state, flow.state):
        raise OidcError("state mismatch")
    if not code:
        raise OidcError("no authorization code")
    issuer = settings.oidc_issuer or ""
    metadata = await discovery(issuer)
    body = prepare_token_request(
        "authorization_code",
        code=code,
        redirect_uri=redirect_uri(settings),
        code_verifier=flow.verifier,
    )
    auth = (settings.oidc_client_id or "", settings.oidc_client_secret or "")  # client_secret_basic
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                metadata["token_endpoint"],
                content=body,
                auth=auth,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        token = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError(f"token exchange failed: {error}") from None
    raw = token.get("id_token") if isinstance(token, dict) else None
    if not raw:
        raise OidcError("no ID token")
    return await validated_claims(settings, raw, nonce=flow.nonce)


async def validated_claims(settings: Settings, raw: str, *, nonce: str) -> dict:
    """The ID token's claims against the provider's keys (fetched again for an unknown key)."""
    issuer = settings.oidc_issuer or ""
    try:
        return validate_id_token(
            raw,
            await key_set(issuer),
            issuer=issuer,
            client_id=settings.oidc_client_id or "",
            nonce=nonce,
        )
    except UnknownKey:
        pass
    return validate_id_token(
        raw,
        await key_set(issuer, refresh=True),
        issuer=issuer,
        client_id=settings.oidc_client_id or "",
        nonce=nonce,
    )


def validate_id_token(raw: str, jwks: dict, *, issuer: str, client_id: str, nonce: str) -> dict:
    """The claims of an ID token signed by one of ``jwks``'s keys, issued by ``issuer`` for
    ``client_id`` with this ``nonce`` and not expired; raises OidcError otherwise."""
    try:
        token = jwt.decode(raw, KeySet.import_key_set(jwks), algorithms=ID_TOKEN_ALGORITHMS)
    except ValueError as error:  # no key with the token's key id
        raise UnknownKey(f"no matching key: {error}") from None
    except JoseError as error:
        raise OidcError(f"signature refused: {error}") from None
    registry = jwt.JWTClaimsRegistry(
        now=int(clock.now().timestamp()),
        leeway=60,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except JoseError as error:
        raise OidcError(f"claims refused: {error}") from None
    azp = token.claims.get("azp")
    if azp is not None and azp != client_id:
        raise OidcError("claims refused: azp")
    return token.claims


async def end_session_url(settings: Settings) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout)."""
    if not enabled(settings):
        return None
    try:
        endpoint = (await discovery(settings.oidc_issuer or "")).get("end_session_endpoint")
    except (OidcError, httpx.HTTPError, ValueError):
        return None
    if not endpoint:
        return None
    query = httpx.QueryParams(
        client_id=settings.oidc_client_id or "", post_logout_redirect_uri=f"{settings.base_url}/"
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
