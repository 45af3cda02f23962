"""Two-factor login for staff, finance and admins (issue 22 point 3): enrolment forced at the
sign-in while no session exists, no switching off, the admin's reset (audited, mailed, admins
only), step-up with the code, and twenty parallel tries of one code (one wins)."""

import asyncio

import pytest

from challenge.platform import clock
from challenge.platform.accounts.tables import Session
from challenge.platform.accounts.two_factor_tables import TotpSecret
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.platform.accounts.totp_support import (
    code_now,
    enrol_by_api,
    recovery_codes_on,
    secret_on,
    session_cookie_set,
    strict_portal,
)
from tests.challenge.results.test_results import decide, judged_call
from tests.conftest import http_client
from tests.support.web import PASSWORD, api, login, make_user, post_form


async def test_staff_must_enrol_before_any_page_and_cannot_switch_it_off(
    app, database_url, tmp_path
):
    staff = await make_user(roles=("finance",))
    async with strict_portal(app, database_url, tmp_path) as client:
        with clock.frozen(clock.now()) as frozen:
            form = {"email": staff["email"], "password": PASSWORD}
            step = await post_form(client, "/login", form, follow_redirects=False)
            assert step.status_code == 303 and step.headers["location"] == "/auth/2fa/totp/enrol"
            assert not session_cookie_set(step)
            assert await Session.count().where(Session.user == staff["id"]) == 0
            assert (await client.get("/dashboard", follow_redirects=False)).status_code != 200
            assert (await client.get("/auth/2fa/verify", follow_redirects=False)).status_code == 303
            enrol = await client.get("/auth/2fa/totp/enrol")
            assert enrol.status_code == 200 and "<svg" in enrol.text
            assert "Richten Sie ihn jetzt ein" in enrol.text
            secret = secret_on(enrol.text)
            assert secret_on((await client.get("/auth/2fa/totp/enrol")).text) == secret  # kept
            wrong = await post_form(client, "/auth/2fa/totp/enrol", {"code": "000000"})
            assert wrong.status_code == 401 and "Der Code ist falsch" in wrong.text
            assert secret_on(wrong.text) == secret
            done = await post_form(client, "/auth/2fa/totp/enrol", {"code": code_now(secret)})
            assert done.status_code == 200 and len(recovery_codes_on(done.text)) == 10
            assert session_cookie_set(done)
            assert (await client.get("/dashboard")).status_code == 200
            session = await Session.select().where(Session.user == staff["id"]).first()
            assert session["second_factor"]
            page = await client.get("/account/2fa")
            assert (
                "nicht ausschalten" in page.text
                and 'action="/account/2fa/disable"' not in page.text
            )
            refused = await post_form(
                client, "/account/2fa/disable", {"disable_password": PASSWORD}
            )
            assert refused.status_code == 403
            assert await TotpSecret.exists().where(TotpSecret.user == staff["id"])

            # the next sign-in asks for the code (API: a clear 401 and no session)
            await post_form(client, "/logout", {})
            frozen.advance(seconds=30)
            answer = await api(
                client,
                "POST",
                "/api/v1/auth/login",
                {"email": staff["email"], "password": PASSWORD},
            )
            assert answer.status_code == 401 and answer.json()["code"] == "second_factor_required"
            ok = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert ok.status_code == 200 and "finance" in ok.json()["roles"]


async def test_forced_enrolment_through_the_api(app, database_url, tmp_path):
    admin = await make_user(roles=("admin",))
    async with strict_portal(app, database_url, tmp_path) as client:
        with clock.frozen(clock.now()):
            body = {"email": admin["email"], "password": PASSWORD}
            answer = await api(client, "POST", "/api/v1/auth/login", body)
            assert answer.json()["code"] == "two_factor_enrolment_required"
            assert (await client.get("/api/v1/me")).status_code == 401
            # the pending sign-in is good for the enrolment only, not for a code
            verify = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": "123456"})
            assert verify.status_code == 401 and verify.json()["code"] == "no_sign_in_pending"
            started = await api(client, "POST", "/api/v1/auth/2fa/totp/enrol", {})
            secret = started.json()["secret"]
            done = await api(
                client, "POST", "/api/v1/auth/2fa/totp/enrol", {"code": code_now(secret)}
            )
            assert done.status_code == 200 and len(done.json()["recovery_codes"]) == 10
            assert (await client.get("/api/v1/me")).status_code == 200


async def test_applicants_are_not_forced(app, database_url, tmp_path):
    applicant = await make_user()
    async with strict_portal(app, database_url, tmp_path) as client:
        await login(client, applicant["email"])


async def test_an_admin_resets_two_factor_login_audited_and_mailed(app):
    person = await make_user(roles=("staff",), locale="en")
    admin = await make_user(roles=("admin",))
    async with http_client(app) as owner, http_client(app) as boss, http_client(app) as other:
        await login(owner, person["email"])
        with clock.frozen(clock.now()):
            await enrol_by_api(owner)
        # someone without the admin role cannot, neither on the page nor through the API
        await login(other, (await make_user(roles=("staff", "finance")))["email"])
        url = f"/admin/users/{person['id']}/2fa/reset"
        assert (await post_form(other, url, {})).status_code == 403
        denied = await api(other, "DELETE", f"/api/v1/admin/users/{person['id']}/2fa")
        assert denied.status_code == 403
        assert await TotpSecret.exists().where(TotpSecret.user == person["id"])

        await login(boss, admin["email"])
        shown = await boss.get(f"/admin/users/{person['id']}")
        assert "Zwei-Faktor-Anmeldung" in shown.text and url in shown.text
        confirm = await boss.get(url)
        assert confirm.status_code == 200 and person["email"] in confirm.text
        done = await post_form(boss, url, {}, follow_redirects=True)
        assert done.status_code == 200 and "Die Person hat eine Mail erhalten" in done.text
        assert not await TotpSecret.exists().where(TotpSecret.user == person["id"])
        entry = (
            await AuditEntry.select()
            .where(
                (AuditEntry.action == "account.two_factor_reset")
                & (AuditEntry.object_id == str(person["id"]))
            )
            .first()
        )
        assert entry["actor_id"] == admin["id"]
        mail = (
            await OutboxMail.select()
            .where(
                (OutboxMail.to_address == person["email"])
                & (OutboxMail.template == "two_factor_reset")
            )
            .first()
        )
        assert mail["subject"] == "Your two-factor login has been reset"
        assert "http://portal.test/login" in mail["body_text"]
        # nothing left to reset: a clear refusal, no second mail
        again = await api(boss, "DELETE", f"/api/v1/admin/users/{person['id']}/2fa")
        assert again.status_code == 409 and again.json()["code"] == "two_factor_not_enrolled"
        # the person signs in with the password alone again
        await api(owner, "POST", "/api/v1/auth/logout")
        await login(owner, person["email"])


async def test_step_up_asks_for_the_code_and_keeps_the_form(app):
    call, items, _ = await judged_call(entries=2)
    staff = await make_user(roles=("staff",))
    async with http_client(app) as client:
        await login(client, staff["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(client)
            frozen.advance(minutes=16)
            late = await decide(client, call, items[0], "winner", 40_000_00)
            assert late.status_code == 401 and late.json()["code"] == "step_up_required"
            form = {"outcome": "winner", "award": "40.000,00", "rationale": "Gut <i>so</i>"}
            url = f"/staff/calls/{call['slug']}/results/decide/{items[0]['id']}"
            asked = await post_form(client, url, form)
            assert asked.status_code == 401 and 'name="_step_up_code"' in asked.text
            assert 'name="_step_up_password"' not in asked.text
            wrong = await post_form(client, url, {**form, "_step_up_code": "000000"})
            assert wrong.status_code == 401 and "Der Code ist falsch" in wrong.text
            assert 'value="Gut &lt;i&gt;so&lt;/i&gt;"' in wrong.text
            done = await post_form(
                client, url, {**form, "_step_up_code": code_now(secret)}, follow_redirects=False
            )
            assert done.status_code == 303, done.text
            session = await Session.select().where(Session.user == staff["id"]).first()
            assert session["second_factor"] and session["authenticated_at"] == clock.now()
            # the API client confirms with the code too, then goes on
            frozen.advance(minutes=16)
            late = await decide(client, call, items[1], "not_selected", rationale="")
            assert late.status_code == 401
            frozen.advance(seconds=30)
            again = await api(client, "POST", "/api/v1/auth/2fa/verify", {"code": code_now(secret)})
            assert again.status_code == 200 and again.json()["status"] == "confirmed"
            assert (await decide(client, call, items[1], "not_selected", rationale="")).is_success


@pytest.mark.postgres_only
async def test_twenty_parallel_tries_of_one_code_sign_in_once(app):
    user = await make_user()
    async with http_client(app) as owner:
        await login(owner, user["email"])
        with clock.frozen(clock.now()) as frozen:
            secret, _codes = await enrol_by_api(owner)
            frozen.advance(seconds=30)
            code = code_now(secret)
            clients = [http_client(app) for _ in range(20)]
            for client in clients:
                await client.__aenter__()
                answer = await api(
                    client,
                    "POST",
                    "/api/v1/auth/login",
                    {"email": user["email"], "password": PASSWORD},
                )
                assert answer.json()["code"] == "second_factor_required"
            answers = await asyncio.gather(
                *(api(c, "POST", "/api/v1/auth/2fa/verify", {"code": code}) for c in clients)
            )
            for client in clients:
                await client.__aexit__(None, None, None)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 401, 429}
    assert await Session.count().where(Session.user == user["id"]) == 2  # owner's and the winner's
