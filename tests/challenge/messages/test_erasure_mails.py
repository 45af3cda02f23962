"""Erasure and the outbox (review of issue 20): mails to others that quote the erased person's
thread messages go with them; a pending mail to someone else is never taken just because a short
name occurs in its text; a typed % or _ in a name matches literally."""

from __future__ import annotations

from uuid import UUID

from challenge.messages import threads
from challenge.platform import privacy
from challenge.platform.mail.outbox import enqueue
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.submissions.test_submissions import COMPLETE, draft, open_call
from tests.conftest import http_client
from tests.support.factories import make_team
from tests.support.web import api, login, make_user


async def test_erasure_takes_the_quoting_mails_and_spares_other_peoples_pending_mail(app):
    person = await make_user(name="Li")
    mate = await make_user(name="Anna Teammitglied")
    team = await make_team(person["id"], members=[mate["id"]])
    call = await open_call()
    async with http_client(app) as client:
        await login(client, person["email"])
        client.team = team
        proposal = await draft(client, call, **COMPLETE)
        await api(client, "POST", f"/api/v1/submissions/{proposal['id']}/submit", {})
        posted = await api(
            client,
            "POST",
            f"/api/v1/submissions/{proposal['id']}/messages",
            {"body": "Unsere interne Telefonnummer ist 0341 123456"},
        )
        assert posted.status_code in (200, 201), posted.text
    # another person's pending mail whose text holds "Li" (in "Link", "Liebe"): must stay
    other = await enqueue(
        mate["email"],
        "verify_email",
        locale="de",
        context={"name": "Anna Teammitglied", "link": "http://portal.test/account/verify?token=x"},
    )
    quoting = await OutboxMail.select(OutboxMail.id, OutboxMail.to_address).where(
        OutboxMail.body_text.like("%0341 123456%")
    )
    assert quoting and {m["to_address"] for m in quoting} == {mate["email"]}
    report = await privacy.erase(app.state.storage, person["email"])
    assert report["removed"]["thread_mails_removed"] == len(quoting)
    assert not await OutboxMail.exists().where(OutboxMail.body_text.like("%0341 123456%"))
    assert await OutboxMail.exists().where(OutboxMail.id == other)  # not someone else's reset
    thread = await threads.thread_of("submission", UUID(str(proposal["id"])))
    assert thread is not None


async def test_a_name_with_wildcards_matches_only_itself(app):
    person = await make_user(name="%")
    bystander = await make_user(name="Ben")
    kept = await enqueue(
        bystander["email"],
        "verify_email",
        locale="de",
        context={"name": "Ben", "link": "http://portal.test/account/verify?token=y"},
    )
    await privacy.erase(app.state.storage, person["email"])
    assert await OutboxMail.exists().where(OutboxMail.id == kept)
