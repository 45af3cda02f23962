"""Findings of the security review of two-factor login: an internal role ends the person's
sessions, API tokens need a session that passed the second factor, mails about every change,
a new password is no second factor for step-up, renewing codes and switching off need the code,
the admin's reset ends sessions and tokens (not for oneself), no caching of code pages, only
failures count per IP, step-up names the code."""

from challenge.platform import clock
from challenge.platform.accounts import api_tokens, roles, totp, two_factor, two_factor_reset
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.tables import ApiToken, Session
from challenge.platform.accounts.two_factor_tables import RecoveryCode, TotpSecret
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from tests.challenge.platform.accounts.totp_support import code_now, enrol_by_api, strict_portal
from tests.challenge.results.test_results import decide, judged_call
from tests.conftest import http_client
from tests.support.web import PASSWORD, api, login, make_user, post_form


async def _changes_mailed(email: str) -> list[str]:
    rows = await OutboxMail.select(OutboxMail.body_text).where(
        (OutboxMail.to_address == email) & (OutboxMail.template == "two_factor_changed")
    )
    return [row["body_text"] for row in rows]


async def test_granting_an_internal_role_ends_the_sessions_and_the_next_sign_in_enrols(
    app, database_url, tmp_path
):
    person = await make_user()
    admin = await make_user(roles=("admin",))
    async with strict_portal(app, database_url, tmp_path) as client:
        await login(client, person["email"])  # a resident: the password alone
        actor = CurrentUser(
            id=admin["id"],
            email=admin["email"],
            name="",
            locale="de",
            affiliation="",
            roles=frozenset({"admin"}),
        )
        await roles.grant_role(actor, person["id"], "finance")
        assert (await client.get("/api/v1/me")).status_code == 401
        again = await api(
            client, "POST", "/api/v1/auth/login", {"email": person["email"], "password": PASSWORD}
        )
        assert again.status_code == 401
        assert again.json()["code"] == "two_factor_enrolment_required"


async def test_tokens_need_a_session_that_passed_the_second_factor(app):
    person = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, person["email"])  # the password alone (not enforced here)
        refused = await api(client, "POST", "/api/v1/me/tokens", {"name": "x", "days": 30})
        assert refused.status_code == 201  # optional 2FA, not enrolled: as before
        # the role came later, behind the session's back: with the setting on, no token
        session = await Session.select().where(Session.user == person["id"]).first()
        me = CurrentUser(
            id=person["id"],
            email=person["email"],
            name="",
            locale="de",
            affiliation="",
            roles=frozenset({"staff"}),
            session_id=session["id"],
        )
        try:
            await api_tokens.create_token(me, "y", 30, require_2fa_internal=True)
            raise AssertionError("a token without the second factor")
        except Problem as problem:
            assert problem.status == 403 and problem.code == "second_factor_required"
        with clock.frozen(clock.now()):
            await enrol_by_api(client)  # the session passes the second factor
            row, _plain = await api_tokens.create_token(me, "y", 30, require_2fa_internal=True)
            assert row["name"] == "y"
            # a token never mints tokens
            bearer = await api(client, "POST", "/api/v1/me/tokens", {"name": "z", "days": 30})
            token = bearer.json()["token"]
            async with http_client(app) as bare:
                minted = await bare.post(
                    "/api/v1/me/tokens",
                    json={"name": "t", "days": 1},
                    headers={"authorization": f"Bearer {token}"},
                )
                assert minted.status_code == 403


async def test_an_enrolled_person_s_password_session_makes_no_token(app):
    person = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()):
            await enrol_by_api(client)
        await Session.update({Session.second_factor: False}).where(Session.user == person["id"])
        refused = await api(client, "POST", "/api/v1/me/tokens", {"name": "x", "days": 30})
        assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
        assert "two-factor" in refused.json()["detail"] or "Zwei-Faktor" in refused.json()["detail"]


async def test_each_change_of_two_factor_login_is_mailed(app):
    person = await make_user(locale="en")
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, codes = await enrol_by_api(client)
            assert any("was set up" in body for body in await _changes_mailed(person["email"]))
            renewed = await post_form(
                client, "/account/2fa/recovery-codes", {"password": PASSWORD, "code": codes[0]}
            )
            assert renewed.status_code == 200
            assert any("New recovery codes" in b for b in await _changes_mailed(person["email"]))
            frozen.advance(seconds=30)
            off = await post_form(
                client,
                "/account/2fa/disable",
                {"disable_password": PASSWORD, "disable_code": code_now(secret)},
            )
            assert off.status_code == 303
        bodies = await _changes_mailed(person["email"])
        assert len(bodies) == 3 and any("switched off" in body for body in bodies)


async def test_a_new_password_is_no_second_factor_for_step_up(app):
    call, items, _ = await judged_call(entries=1)
    staff = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, staff["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            frozen.advance(minutes=16)
            late = await decide(client, call, items[0], "winner", 40_000_00)
            assert late.status_code == 401 and late.json()["code"] == "step_up_required"
            assert "authenticator" in late.json()["detail"] or "App" in late.json()["detail"]
            changed = await api(
                client,
                "POST",
                "/api/v1/me/password",
                {"current_password": PASSWORD, "new_password": "Another-long-passphrase-42!"},
            )
            assert changed.is_success
            after = await decide(client, call, items[0], "winner", 40_000_00)
            assert after.status_code == 401 and after.json()["code"] == "step_up_required"
            ok = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert ok.is_success
            assert (await decide(client, call, items[0], "winner", 40_000_00)).is_success


async def test_enrolling_again_while_enrolled_is_refused(app):
    person = await make_user()
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()):
            await enrol_by_api(client)
        again = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
        assert again.status_code == 409 and again.json()["code"] == "two_factor_enrolled"
        page = await post_form(client, "/account/2fa/start", {})
        assert page.status_code == 409 and 'class="totp-secret"' not in page.text


async def test_the_admin_reset_ends_sessions_and_tokens_but_not_for_oneself(app):
    person = await make_user(roles=("staff",))
    admin = await make_user(roles=("admin",))
    async with http_client(app) as owner, http_client(app) as boss:
        await login(owner, person["email"])
        await login(boss, admin["email"])
        with clock.frozen(clock.now()):
            await enrol_by_api(owner)
            token = await api(owner, "POST", "/api/v1/me/tokens", {"name": "x", "days": 30})
            assert token.status_code == 201
            done = await api(boss, "DELETE", f"/api/v1/admin/users/{person['id']}/2fa")
            assert done.is_success
            assert (await owner.get("/api/v1/me")).status_code == 401
            assert not await ApiToken.exists().where(
                (ApiToken.user == person["id"]) & ApiToken.revoked_at.is_null()
            )
            await enrol_by_api(boss)
            own = await api(boss, "DELETE", f"/api/v1/admin/users/{admin['id']}/2fa")
            assert own.status_code == 403 and own.json()["code"] == "own_account"
            assert await TotpSecret.exists().where(TotpSecret.user == admin["id"])
            own_page = await post_form(boss, f"/admin/users/{admin['id']}/2fa/reset", {})
            assert own_page.status_code == 403
    # an API token cannot reset anyone
    actor = CurrentUser(
        id=admin["id"],
        email="",
        name="",
        locale="de",
        affiliation="",
        roles=frozenset({"admin"}),
        token_id=admin["id"],
    )
    try:
        await two_factor_reset.admin_reset(actor, person["id"], base_url="")
        raise AssertionError("reset with a token")
    except Problem as problem:
        assert problem.status == 403 and problem.code == "session_required"


async def test_code_pages_are_never_cached(app, database_url, tmp_path):
    person = await make_user()
    async with http_client(app) as client:
        await login(client, person["email"])
        start = await post_form(client, "/account/2fa/start", {})
        assert start.headers["cache-control"] == "no-store"
        started = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
        assert started.headers["cache-control"] == "no-store"
    staff = await make_user(roles=("staff",))
    async with strict_portal(app, database_url, tmp_path) as client:
        form = {"email": staff["email"], "password": PASSWORD}
        await post_form(client, "/login", form, follow_redirects=False)
        enrol = await client.get("/auth/2fa/totp/enrol")
        assert enrol.headers["cache-control"] == "no-store"


async def test_only_wrong_codes_count_against_the_ip(app):
    person = await make_user()
    ip = "203.0.113.77"
    async with http_client(app, ip=ip) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            await api(client, "POST", "/api/v1/auth/logout")
            for _ in range(3):
                frozen.advance(seconds=30)
                form = {"email": person["email"], "password": PASSWORD}
                await api(client, "POST", "/api/v1/auth/login", form)
                ok = await api(
                    client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)}
                )
                assert ok.status_code == 200, ok.text
                await api(client, "POST", "/api/v1/auth/logout")
            assert (await ratelimit.peek(two_factor.CODES_PER_IP, ip)).count == 0
            await api(client, "POST", "/api/v1/auth/login", form)
            wrong = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": "000000"})
            assert wrong.status_code == 401
            assert (await ratelimit.peek(two_factor.CODES_PER_IP, ip)).count == 1


async def test_recovery_codes_carry_118_bits_and_earlier_ones_still_work(app):
    person = await make_user()
    async with http_client(app) as client:
        await login(client, person["email"])
        with clock.frozen(clock.now()) as frozen:
            _secret, codes = await enrol_by_api(client)
            assert len(codes) == 10 and len(set(codes)) == 10
            assert all(len(code) == 29 and code.count("-") == 5 for code in codes)
            earlier = "abcde-fghjk"  # a code of the earlier format, handed out before
            await RecoveryCode(
                user=person["id"], code_hash=totp.recovery_hash(earlier), created_at=clock.now()
            ).save()
            await api(client, "POST", "/api/v1/auth/logout")
            for code in (codes[0].upper().replace("-", " "), "ABCDE FGHJK"):
                frozen.advance(seconds=30)
                form = {"email": person["email"], "password": PASSWORD}
                await api(client, "POST", "/api/v1/auth/login", form)
                ok = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code})
                assert ok.status_code == 200, ok.text
                await api(client, "POST", "/api/v1/auth/logout")
            await api(client, "POST", "/api/v1/auth/login", form)
            half = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": codes[1][:14]})
            assert half.status_code == 401


async def test_a_pending_sign_in_starts_one_session_at_most(app):
    person = await make_user()
    async with http_client(app) as client, http_client(app) as thief:
        await login(client, person["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            await api(client, "POST", "/api/v1/auth/logout")
            frozen.advance(seconds=30)
            form = {"email": person["email"], "password": PASSWORD}
            await api(client, "POST", "/api/v1/auth/login", form)
            copied = client.cookies.get("pending_sign_in")
            ok = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert ok.status_code == 200
            frozen.advance(seconds=30)
            thief.cookies.set("pending_sign_in", copied)
            again = await api(thief, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert again.status_code == 401 and again.json()["code"] == "no_sign_in_pending"
            assert await Session.count().where(Session.user == person["id"]) == 1
