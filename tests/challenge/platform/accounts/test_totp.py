"""Two-factor login with TOTP (issue 22 point 3): enrolment, the code after the password, wrong
codes, a code replayed within its window, single-use recovery codes, rate limits, and that no
session exists before the second factor; the privacy export and erasure."""

import io
import json
import zipfile

from challenge.platform import clock, privacy
from challenge.platform.accounts.tables import Session
from challenge.platform.accounts.two_factor import CODE_FAILURES_PER_ACCOUNT
from challenge.platform.accounts.two_factor_tables import RecoveryCode, TotpSecret
from tests.challenge.platform.accounts.totp_support import (
    code_now,
    enrol_by_api,
    recovery_codes_on,
    secret_on,
    session_cookie_set,
)
from tests.conftest import http_client
from tests.support.web import PASSWORD, api, login, make_user, post_form


async def _password(client, email: str):
    return await api(client, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})


async def test_enrolment_then_the_sign_in_needs_the_code_and_no_session_exists_before(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()) as frozen:
            started = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
            secret = started.json()["secret"]
            assert started.json()["otpauth_uri"].startswith("otpauth://totp/")
            wrong = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {"code": "000000"})
            assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_code"
            done = await api(
                client, "POST", "/api/v1/auth/2fa/totp/enrol", {"code": code_now(secret)}
            )
            assert done.status_code == 200 and len(set(done.json()["recovery_codes"])) == 10
            row = await TotpSecret.select().where(TotpSecret.user == user["id"]).first()
            assert secret not in row["secret"]  # encrypted at rest
            await api(client, "POST", "/api/v1/auth/logout")

            frozen.advance(seconds=30)
            answer = await _password(client, user["email"])
            assert answer.status_code == 401 and answer.json()["code"] == "second_factor_required"
            assert not session_cookie_set(answer)
            assert await Session.count().where(Session.user == user["id"]) == 0
            assert (await client.get("/api/v1/me")).status_code == 401
            wrong = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": "123456"})
            assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_code"
            right = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert right.status_code == 200 and right.json()["email"] == user["email"]
            assert session_cookie_set(right)
            me = await client.get("/api/v1/me")
            assert me.status_code == 200
            session = await Session.select().where(Session.user == user["id"]).first()
            assert session["second_factor"] and session["authenticated_at"] == clock.now()


async def test_a_code_replayed_within_its_window_is_refused(app):
    user = await make_user()
    async with http_client(app) as client, http_client(app) as thief:
        await login(client, user["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            frozen.advance(seconds=30)
            code = code_now(secret)
            await api(client, "POST", "/api/v1/auth/logout")
            await _password(client, user["email"])
            assert (await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code})).is_success
            # the same code, ten seconds later, from someone who saw it and knows the password
            frozen.advance(seconds=10)
            await _password(thief, user["email"])
            again = await api(thief, "POST", "/api/v1/auth/2fa/verify", {"code": code})
            assert again.status_code == 401 and again.json()["code"] == "invalid_code"
            # an older code of the window is refused too; the next step's code works
            old = await api(
                thief, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret, -1)}
            )
            assert old.status_code == 401
            frozen.advance(seconds=30)
            assert (
                await api(thief, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            ).is_success


async def test_recovery_codes_work_once_each(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()):
            _secret, codes = await enrol_by_api(client)
            await api(client, "POST", "/api/v1/auth/logout")
            await _password(client, user["email"])
            typed = codes[3].upper().replace("-", " ")  # as someone might type it
            assert (
                await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": typed})
            ).is_success
            await api(client, "POST", "/api/v1/auth/logout")
            await _password(client, user["email"])
            used = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": codes[3]})
            assert used.status_code == 401 and used.json()["code"] == "invalid_code"
            assert (
                await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": codes[4]})
            ).is_success
    left = await RecoveryCode.count().where(
        (RecoveryCode.user == user["id"]) & RecoveryCode.used_at.is_null()
    )
    assert left == 8


async def test_wrong_codes_are_rate_limited_per_account(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            await api(client, "POST", "/api/v1/auth/logout")
            frozen.advance(seconds=30)
            await _password(client, user["email"])
            for _ in range(CODE_FAILURES_PER_ACCOUNT.limit):
                wrong = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": "999999"})
                assert wrong.status_code in (401, 429)
            limited = await api(
                client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)}
            )
            assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
            assert (await client.get("/api/v1/me")).status_code == 401


async def test_the_pending_sign_in_lasts_five_minutes(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            await api(client, "POST", "/api/v1/auth/logout")
            await _password(client, user["email"])
            frozen.advance(minutes=6)
            late = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert late.status_code == 401 and late.json()["code"] == "no_sign_in_pending"


async def test_the_pages_ask_for_the_code_after_the_password_in_german(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()) as frozen:
            enrol = await post_form(client, "/account/2fa/start", {})
            assert enrol.status_code == 200 and "<svg" in enrol.text
            secret = secret_on(enrol.text)
            shown = await post_form(client, "/account/2fa/confirm", {"code": code_now(secret)})
            assert shown.status_code == 200 and len(recovery_codes_on(shown.text)) == 10
            status = await client.get("/account/2fa")
            assert "10 unbenutzte Wiederherstellungscodes" in status.text
            await post_form(client, "/logout", {})

            frozen.advance(seconds=30)
            form = {"email": user["email"], "password": PASSWORD}
            step = await post_form(client, "/login?next=/account", form, follow_redirects=False)
            assert step.status_code == 303 and step.headers["location"] == "/auth/2fa/verify"
            assert not session_cookie_set(step)
            assert (await client.get("/account", follow_redirects=False)).status_code in (302, 303)
            wrong = await post_form(client, "/auth/2fa/verify", {"code": "000000"})
            assert wrong.status_code == 401 and "Der Code ist falsch" in wrong.text
            right = await post_form(
                client, "/auth/2fa/verify", {"code": code_now(secret)}, follow_redirects=False
            )
            assert right.status_code == 303 and right.headers["location"] == "/account"
            assert (await client.get("/account")).status_code == 200


async def test_optional_two_factor_login_can_be_switched_off_with_the_password(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()):
            secret, _codes = await enrol_by_api(client)
            wrong = await post_form(
                client,
                "/account/2fa/disable",
                {"disable_password": "nein", "disable_code": code_now(secret, 1)},
            )
            assert wrong.status_code == 401 and await TotpSecret.exists().where(
                TotpSecret.user == user["id"]
            )
            no_code = await post_form(
                client, "/account/2fa/disable", {"disable_password": PASSWORD}
            )
            assert no_code.status_code == 401 and "Der Code ist falsch" in no_code.text
            off = await post_form(
                client,
                "/account/2fa/disable",
                {"disable_password": PASSWORD, "disable_code": code_now(secret, 1)},
                follow_redirects=True,
            )
            assert off.status_code == 200 and "ausgeschaltet" in off.text
        assert not await TotpSecret.exists().where(TotpSecret.user == user["id"])
        await api(client, "POST", "/api/v1/auth/logout")
        await login(client, user["email"])  # the password alone again


async def test_new_recovery_codes_replace_the_old_ones(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()):
            _secret, old = await enrol_by_api(client)
            refused = await post_form(client, "/account/2fa/recovery-codes", {"password": PASSWORD})
            assert refused.status_code == 401 and not recovery_codes_on(refused.text)
            page = await post_form(
                client, "/account/2fa/recovery-codes", {"password": PASSWORD, "code": old[1]}
            )
            new = recovery_codes_on(page.text)
            assert len(new) == 10 and not set(new) & set(old)
            await api(client, "POST", "/api/v1/auth/logout")
            await _password(client, user["email"])
            assert (
                await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": old[0]})
            ).status_code == 401
            assert (
                await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": new[0]})
            ).is_success


async def test_the_export_names_the_status_never_the_secret_and_erasure_deletes_it(app):
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        with clock.frozen(clock.now()):
            secret, codes = await enrol_by_api(client)
    archive = await privacy.export(app.state.storage, user["email"])
    person = zipfile.ZipFile(io.BytesIO(archive)).read("person.json").decode()
    data = json.loads(person)
    assert data["two_factor"]["enrolled"] and data["two_factor"]["recovery_codes_left"] == 10
    assert secret not in person and codes[0] not in person
    stored = await TotpSecret.select(TotpSecret.secret).where(TotpSecret.user == user["id"])
    assert stored[0]["secret"] not in person  # not even encrypted
    report = await privacy.erase(app.state.storage, user["email"])
    assert report["removed"]["totp_secrets"] == 1 and report["removed"]["recovery_codes"] == 10
    assert not await TotpSecret.exists().where(TotpSecret.user == user["id"])
    assert not await RecoveryCode.exists().where(RecoveryCode.user == user["id"])
