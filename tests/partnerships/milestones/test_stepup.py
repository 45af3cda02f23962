"""Step-up (issue 22): a payment or an approval more than 15 minutes after the sign-in answers
``step_up_required``; the page asks for the password and then records the kept form."""

from datetime import timedelta
from types import SimpleNamespace
from uuid import uuid4

from challenge.platform import clock
from challenge.platform.accounts import stepup
from challenge.platform.accounts.sessions import _digest, create_session
from challenge.platform.problems import Problem
from partnerships.tables import Payment
from tests.partnerships.conftest import running, upload
from tests.support.files import pdf
from tests.support.web import PASSWORD, api, login, make_user, post_form

FORM = {"amount": "5.000,00", "paid_on": "2027-03-01", "reference": "K-9 <b>&"}


async def _approved_by_one(app, clients):
    """A partnership whose first milestone has evidence and one approval; (id, partner)."""
    _entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    sent = await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf("Bericht"))
    assert sent.status_code == 200, sent.text
    one = await api(
        clients["staff"], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"}
    )
    assert one.status_code == 200, one.text
    return first, partner


async def test_a_payment_after_16_minutes_asks_again_and_keeps_the_form(app, clients):
    first, partner = await _approved_by_one(app, clients)
    staff2, finance = clients["staff2"], clients["finance"]
    url = f"/api/v1/milestones/{first}/reviews"
    with clock.frozen(clock.now() + timedelta(minutes=16)) as frozen:
        late = await api(staff2, "POST", url, {"decision": "approve"})
        assert late.status_code == 401 and late.json()["code"] == "step_up_required"
        await login(staff2, staff2.user["email"])  # the API client signs in again
        assert (await api(staff2, "POST", url, {"decision": "approve"})).json()[
            "status"
        ] == "approved"
        frozen.advance(minutes=16)
        paid = await api(
            finance,
            "POST",
            f"/api/v1/milestones/{first}/payments",
            {"amount_cents": 100, "paid_on": "2027-03-01"},
        )
        assert paid.status_code == 401 and paid.json()["code"] == "step_up_required"
        page_url = f"/staff/milestones/{first}/payment"
        asked = await post_form(finance, page_url, FORM)
        assert asked.status_code == 401 and 'name="_step_up_password"' in asked.text
        assert 'value="5.000,00"' in asked.text and 'value="K-9 &lt;b&gt;&amp;"' in asked.text
        wrong = await post_form(finance, page_url, {**FORM, "_step_up_password": "nope"})
        assert wrong.status_code == 401 and 'value="2027-03-01"' in wrong.text
        assert not await Payment.exists().where(Payment.milestone == first)
        done = await post_form(
            finance, page_url, {**FORM, "_step_up_password": PASSWORD}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        payment = await Payment.select().where(Payment.milestone == first).first()
        assert payment["amount_cents"] == 5_000_00 and payment["reference"] == "K-9 <b>&"
        # the confirmation counts for 15 minutes: the API goes on without asking
        frozen.advance(minutes=14)
        more = await api(
            finance,
            "POST",
            f"/api/v1/milestones/{first}/payments",
            {"amount_cents": 100, "paid_on": "2027-03-01"},
        )
        assert more.status_code == 201, more.text
    await partner.__aexit__(None, None, None)


async def test_the_rule_sessions_tokens_and_the_portal_itself():
    user = await make_user(roles=("finance",))
    token = await create_session(user["id"], max_days=1)
    actor = SimpleNamespace(id=user["id"], session_id=_digest(token), token_id=None)
    assert await stepup.signed_in_recently(actor)
    with clock.frozen(clock.now() + stepup.STEP_UP_WINDOW + timedelta(seconds=1)):
        assert not await stepup.signed_in_recently(actor)
    # an API token cannot prove a recent sign-in; the portal acting for itself is not asked
    assert not await stepup.signed_in_recently(SimpleNamespace(session_id=None, token_id=uuid4()))
    assert await stepup.signed_in_recently(SimpleNamespace(session_id=None, token_id=None))
    assert not await stepup.signed_in_recently(SimpleNamespace(session_id="unknown", token_id=None))


async def test_wrong_step_up_passwords_are_rate_limited():
    user = await make_user(roles=("finance",))
    token = await create_session(user["id"], max_days=1)
    actor = SimpleNamespace(id=user["id"], session_id=_digest(token), token_id=None)
    with clock.frozen(clock.now() + timedelta(minutes=20)):
        for _ in range(stepup.STEP_UP_FAILURES.limit):
            try:
                await stepup.confirm_password(actor, "falsch")
            except Problem as problem:
                assert problem.code == "invalid_credentials"
        try:
            await stepup.confirm_password(actor, PASSWORD)
            raise AssertionError("not limited")
        except Problem as problem:
            assert problem.status == 429
        assert not await stepup.signed_in_recently(actor)
