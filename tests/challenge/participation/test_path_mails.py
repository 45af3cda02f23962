"""Supporters hear of each step of a problem's path (issue 21, point 3): one mail per supporter
(the author too) and step, in their language, even when the job runs twice or concurrently;
whoever switched announcements off gets none."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from challenge.messages.mailing import preferences
from challenge.participation.path.notices import tell_supporters
from challenge.participation.tables import ProblemNotice, ProblemSupport, ResidentProblem
from challenge.platform import clock
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.participation.test_path import publish_in_call, reload, stage_world
from tests.support.web import make_user


async def supported_world(app):
    """A problem linked to a draft: its author (German), a supporter reading English, one who
    switched announcements off, and a bystander."""
    _unit, problem, draft = await stage_world(app)
    author = await make_user(locale="de")
    english = await make_user(locale="en")
    quiet = await make_user()
    bystander = await make_user()
    await ResidentProblem.update({ResidentProblem.author: author["id"]}).where(
        ResidentProblem.id == problem["id"]
    )
    now = datetime.now(UTC)
    for person in (english, quiet):
        await ProblemSupport(problem=problem["id"], user=person["id"], created_at=now).save()
    await preferences.update(quiet["id"], thread_mail="immediate", announcements=False)
    people = {"author": author, "english": english, "quiet": quiet, "bystander": bystander}
    return await reload(problem), draft, people


async def mails_to(people: dict) -> dict[str, list[dict]]:
    rows = await OutboxMail.select().where(
        OutboxMail.to_address.is_in([p["email"] for p in people.values()])
        & (OutboxMail.template == "participation_step")
    )
    return {
        name: [r for r in rows if r["to_address"] == person["email"]]
        for name, person in people.items()
    }


async def test_each_step_is_mailed_once_in_the_supporters_language(app, settings):
    problem, draft, people = await supported_world(app)
    await tell_supporters(settings)
    await tell_supporters(settings)  # a second round adds nothing
    mails = await mails_to(people)
    assert [len(mails[name]) for name in people] == [1, 1, 0, 0]
    german, english = mails["author"][0], mails["english"][0]
    assert german["subject"] == (
        f"Neues zu „{problem['title']}“: Die Stadt arbeitet an einer Challenge zu diesem Problem"
    )
    assert english["subject"].startswith(f"News on “{problem['title']}”: The city is working")
    assert f"http://portal.test/mitmachen/{problem['id']}#path" in english["body_text"]
    assert english["category"] == "announcement"
    assert "List-Unsubscribe" in json.loads(english["headers"])
    assert draft.title not in german["body_text"]

    await publish_in_call(draft)
    await tell_supporters(settings)
    await tell_supporters(settings)
    mails = await mails_to(people)
    assert [len(mails[name]) for name in people] == [2, 2, 0, 0]
    newest = max(mails["author"], key=lambda m: m["created_at"])
    assert "Ausschreibung" in newest["subject"] and "Testaufruf" in newest["body_text"]
    steps = {
        row["step"]
        for row in await ProblemNotice.select(ProblemNotice.step).where(
            ProblemNotice.problem == problem["id"]
        )
    }
    assert steps == {"challenge", "call"}


async def test_steps_that_appear_together_go_out_as_one_mail_and_later_ones_on_the_clock(
    app, settings
):
    problem, draft, people = await supported_world(app)
    call = await publish_in_call(draft, closes_at=datetime.now(UTC) + timedelta(days=3))
    await tell_supporters(settings)
    mails = await mails_to(people)
    assert [len(mails[name]) for name in people] == [1, 1, 0, 0]
    assert "Ausschreibung" in mails["author"][0]["subject"]
    assert "Außerdem seit der letzten Nachricht:\n- Challenge" in mails["author"][0]["body_text"]
    with clock.frozen(call["closes_at"] + timedelta(minutes=1)):
        await tell_supporters(settings, clock.now())
        await tell_supporters(settings, clock.now())
    mails = await mails_to(people)
    assert [len(mails[name]) for name in people] == [2, 2, 0, 0]
    assert any("Eingegangene Vorschläge" in m["subject"] for m in mails["author"])


async def test_concurrent_rounds_send_each_step_once(app, settings):
    problem, draft, people = await supported_world(app)
    await asyncio.gather(*(tell_supporters(settings) for _ in range(20)))
    mails = await mails_to(people)
    assert [len(mails[name]) for name in people] == [1, 1, 0, 0]
    assert await ProblemNotice.count().where(ProblemNotice.problem == problem["id"]) == 1


async def test_switching_announcements_off_stops_the_mails(app, settings):
    problem, draft, people = await supported_world(app)
    for person in (people["author"], people["english"]):
        await preferences.update(person["id"], thread_mail="immediate", announcements=False)
    await tell_supporters(settings)
    assert all(not found for found in (await mails_to(people)).values())
    # the step counts as told: switching back on later does not send old news
    assert await ProblemNotice.count().where(ProblemNotice.problem == problem["id"]) == 1
