"""ID tokens the portal refuses (signed with another key, for another audience, expired, with
another or a replayed nonce) and the rule that internal roles need single sign-on."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from challenge.platform.accounts import oidc, oidc_accounts
from challenge.platform.accounts.oidc import OidcError, validate_id_token
from challenge.platform.problems import Problem
from tests.conftest import make_settings, other_app
from tests.support.web import PASSWORD, make_user, post_form, unique_email

ISSUER = "https://sso.city.example/realms/city"
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "city-1"})
# another key claiming the provider's key id: a forged signature
FORGER_KEY = RSAKey.generate_key(2048, parameters={"kid": "city-1"})
JWKS = {"keys": [PROVIDER_KEY.as_dict(private=False)]}


def id_token(key=PROVIDER_KEY, **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "portal",
        "sub": "sub-1",
        "iat": now,
        "exp": now + 300,
        "nonce": "n-1",
        **overrides,
    }
    return jwt.encode({"alg": "RS256", "kid": "city-1"}, claims, key)


def check(raw: str, nonce: str = "n-1") -> dict:
    return validate_id_token(raw, JWKS, issuer=ISSUER, client_id="portal", nonce=nonce)


def test_a_valid_id_token_is_accepted():
    assert check(id_token())["sub"] == "sub-1"


@pytest.mark.parametrize(
    ("forgery", "raw"),
    [
        ("signed with another key", lambda: id_token(FORGER_KEY)),
        ("for another client", lambda: id_token(aud="someone-else")),
        ("from another issuer", lambda: id_token(iss="https://evil.example")),
        ("expired", lambda: id_token(exp=int(time.time()) - 3600)),
        ("without a nonce", lambda: id_token(nonce=None)),
        ("authorised for another party", lambda: id_token(azp="someone-else")),
    ],
)
def test_forged_id_tokens_are_refused(forgery, raw):
    with pytest.raises(OidcError):
        check(raw())


def test_another_flows_nonce_is_refused():
    with pytest.raises(OidcError):
        check(id_token(), nonce="n-2")


def test_a_token_with_a_symmetric_algorithm_is_refused():
    forged = jwt.encode({"alg": "HS256"}, {"iss": ISSUER}, OctKey.import_key("x" * 32))
    with pytest.raises(OidcError):
        check(forged)


def test_the_flow_cookie_must_be_the_portals_own(settings):
    flow = oidc.Flow(state="s", nonce="n", verifier="v", next="/")
    assert oidc.open_flow(settings, oidc.seal_flow(settings, flow)) == flow
    other = SimpleNamespace(secret_key="another-secret-key-of-at-least-32-chars")
    with pytest.raises(OidcError):
        oidc.open_flow(settings, oidc.seal_flow(other, flow))


async def test_a_replayed_nonce_is_refused(app, tmp_path, database_url):
    settings = make_settings(
        tmp_path / "sso",
        database_url,
        oidc_issuer=ISSUER,
        oidc_client_id="portal",
        oidc_client_secret="secret",
    )
    claims = check(id_token(sub="sub-replay", email=unique_email("replay"), email_verified=True))
    common = {"nonce": "n-1-replay", "ip": "10.0.0.1", "user_agent": "", "old_token": None}
    _user, token = await oidc_accounts.sign_in(settings, claims, **common)
    assert token
    with pytest.raises(Problem) as refused:
        await oidc_accounts.sign_in(settings, claims, **common)
    assert refused.value.code == "sso_replayed"


async def test_internal_roles_need_single_sign_on_when_required(app, tmp_path, database_url):
    strict = make_settings(tmp_path / "strict", database_url, internal_roles_require_sso="true")
    staff = await make_user(email=unique_email("strict-staff"), roles=("staff",))
    applicant = await make_user(email=unique_email("strict-applicant"))
    async with other_app(app, strict) as client:
        refused = await post_form(client, "/login", {"email": staff["email"], "password": PASSWORD})
        assert refused.status_code == 403
        assert "Mit dem Konto der Stadt anmelden" in refused.text
        assert "session" not in client.cookies
        api = await client.post(
            "/api/v1/auth/login",
            json={"email": staff["email"], "password": PASSWORD},
            headers={"x-csrftoken": client.cookies.get("csrftoken", "")},
        )
        assert api.status_code == 403 and api.json()["code"] == "sso_required"
        allowed = await post_form(
            client, "/login", {"email": applicant["email"], "password": PASSWORD}
        )
        assert allowed.status_code == 303
    async with other_app(app, make_settings(tmp_path / "lax", database_url)) as client:
        response = await post_form(
            client, "/login", {"email": staff["email"], "password": PASSWORD}
        )
        assert response.status_code == 303  # the setting is off by default
