"""Whom a thread message reaches (review of issue 20): the city's people who wrote before are
asked again whether they still read the thread — a unit member since put on the call's jury gets
no more mail from it (nothing of a thread reaches a juror)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from challenge.jury.tables import Juror
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.messages.thread_world import build
from tests.support.web import api


@pytest.fixture(scope="module")
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def mails_to(address: str) -> int:
    return await OutboxMail.count().where(
        (OutboxMail.to_address == address) & (OutboxMail.template == "thread_message")
    )


async def test_a_unit_member_put_on_the_jury_hears_no_more_of_the_thread(world):
    url = f"/api/v1/submissions/{world.objects['submission']}/messages"
    unit = world.users["unit"]
    wrote = await api(world.clients["unit"], "POST", url, {"body": "Eine Frage der Stadt"})
    assert wrote.status_code in (200, 201), wrote.text
    before = await mails_to(unit["email"])
    answer = await api(world.clients["team_a"], "POST", url, {"body": "Erste Antwort"})
    assert answer.status_code in (200, 201)
    assert await mails_to(unit["email"]) == before + 1  # the unit still reads: it hears
    await Juror(call=world.objects["call_id"], user=unit["id"], invited_at=datetime.now(UTC)).save()
    again = await api(world.clients["team_a"], "POST", url, {"body": "Geheime zweite Antwort"})
    assert again.status_code in (200, 201)
    assert await mails_to(unit["email"]) == before + 1  # now a juror: nothing more
    assert not await OutboxMail.exists().where(
        (OutboxMail.to_address == unit["email"]) & OutboxMail.body_text.like("%Geheime%")
    )
