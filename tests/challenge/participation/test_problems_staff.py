"""Staff's moderation queue (/staff/participation): pending problems oldest first, publishing from
the page, declining and merging only after a confirmation, the empty state; and the demo."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from challenge.participation.problems import service
from challenge.participation.problems.demo import demo
from challenge.participation.problems.demo_data import PROBLEMS, RESIDENTS, TITLES
from challenge.participation.tables import ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from tests.challenge.participation.test_problems import staff, stored
from tests.support.web import make_user, post_form


async def status_of(problem_id) -> str:
    return (await service.get_problem(problem_id))["status"]


async def test_the_queue_lists_pending_problems_oldest_first_and_publishes(client):
    await staff(client)
    author = await make_user()
    marker = uuid4().hex[:6]
    now = clock.now()
    newer = await stored(
        author["id"],
        status="pending",
        title=f"Neuer {marker}",
        created_at=now - timedelta(days=899),
    )
    older = await stored(
        author["id"],
        status="pending",
        title=f"Älter {marker}",
        created_at=now - timedelta(days=900),
    )
    page = await client.get("/staff/participation")
    assert page.status_code == 200
    assert page.text.index(f"Älter {marker}") < page.text.index(f"Neuer {marker}")
    sent = await post_form(client, f"/staff/participation/{older}", {"decision": "publish"})
    assert sent.status_code == 303 and sent.headers["location"].endswith("notice=published")
    assert await status_of(older) == "published"
    again = await post_form(client, f"/staff/participation/{older}", {"decision": "publish"})
    assert again.headers["location"].endswith("notice=already")
    assert await status_of(newer) == "pending"


async def test_declining_from_the_page_asks_for_a_reason_and_a_confirmation(client):
    await staff(client)
    author = await make_user()
    for number in range(21):  # a full queue page before it
        await stored(
            author["id"],
            status="pending",
            title=f"Älter {number}",
            created_at=clock.now() - timedelta(days=800),
        )
    problem = await stored(author["id"], status="pending", title="Abzulehnen")
    url = f"/staff/participation/{problem}"
    no_reason = await post_form(client, url, {"decision": "decline", "reason": ""})
    assert no_reason.status_code == 422 and 'id="error-reason"' in no_reason.text
    assert "Abzulehnen" in no_reason.text  # its form is shown though it is not on page 1
    confirm = await post_form(client, url, {"decision": "decline", "reason": "Einzelfall"})
    assert confirm.status_code == 200 and 'name="confirmed" value="1"' in confirm.text
    assert await status_of(problem) == "pending"  # nothing changed before the confirmation
    done = await post_form(
        client, url, {"decision": "decline", "reason": "Einzelfall", "confirmed": "1"}
    )
    assert done.status_code == 303 and await status_of(problem) == "declined"


async def test_a_pending_duplicate_is_declined_with_a_pointer_after_a_search(client):
    await staff(client)
    author = await make_user()
    marker = uuid4().hex[:6]
    target = await stored(author["id"], title=f"Ziel {marker}")
    duplicate = await stored(author["id"], status="pending", title=f"Doppelt {marker}")
    queue = await client.get("/staff/participation")
    assert "Als Dublette eines veröffentlichten Problems ablehnen" in queue.text
    choose = await client.get(f"/staff/participation/{duplicate}/merge", params={"q": marker})
    assert choose.status_code == 200
    assert f'value="{target}"' in choose.text and f'value="{duplicate}"' not in choose.text
    assert 'name="decision" value="decline"' in choose.text
    url = f"/staff/participation/{duplicate}"
    # a merge of the pending duplicate is refused: a merged problem is public
    merge = await post_form(
        client, url, {"decision": "merge", "into": str(target), "confirmed": "1"}
    )
    assert merge.status_code == 422 and "nie veröffentlichtes Problem" in merge.text
    assert await status_of(duplicate) == "pending"
    reason = "Das gibt es schon."
    values = {"decision": "decline", "into": str(target), "reason": reason}
    confirm = await post_form(client, url, values)
    assert confirm.status_code == 200 and f"Ziel {marker}" in confirm.text
    assert await status_of(duplicate) == "pending"
    done = await post_form(client, url, {**values, "confirmed": "1"})
    assert done.status_code == 303 and await status_of(duplicate) == "declined"
    row = await service.get_problem(duplicate)
    assert row["merged_into"] == target and row["published_at"] is None


async def test_merging_a_published_problem_from_its_page_after_a_confirmation(client):
    await staff(client)
    author = await make_user()
    marker = uuid4().hex[:6]
    target = await stored(author["id"], title=f"Ziel {marker}")
    duplicate = await stored(author["id"], title=f"Doppelt {marker}")
    page = await client.get(f"/mitmachen/{duplicate}")
    assert f"/staff/participation/{duplicate}/merge" in page.text
    choose = await client.get(f"/staff/participation/{duplicate}/merge", params={"q": marker})
    assert 'name="decision" value="merge"' in choose.text and f'value="{target}"' in choose.text
    url = f"/staff/participation/{duplicate}"
    confirm = await post_form(client, url, {"decision": "merge", "into": str(target)})
    assert confirm.status_code == 200 and f"Ziel {marker}" in confirm.text
    assert await status_of(duplicate) == "published"
    done = await post_form(
        client, url, {"decision": "merge", "into": str(target), "confirmed": "1"}
    )
    assert done.status_code == 303 and await status_of(duplicate) == "merged"
    assert done.headers["location"] == f"/mitmachen/{duplicate}?notice=moderated"


async def test_the_queue_is_empty_when_nothing_waits(client):
    await staff(client)
    await ResidentProblem.update({ResidentProblem.status: "declined"}).where(
        ResidentProblem.status == "pending"
    )
    page = await client.get("/staff/participation")
    assert "No problem waits" in page.text or "Kein Problem wartet" in page.text


async def test_the_demo_adds_residents_and_problems_once(settings):
    # another test may have loaded the demo and moderated its problems since: start from none
    await ResidentProblem.delete().where(ResidentProblem.title.is_in(list(TITLES)))
    added = await demo(settings)
    assert added >= len(PROBLEMS)
    assert await demo(settings) == 0
    rows = await ResidentProblem.select(
        ResidentProblem.title, ResidentProblem.status, ResidentProblem.reason
    ).where(ResidentProblem.title.is_in(list(TITLES)))
    states = [row["status"] for row in rows]
    assert len(rows) == len(TITLES) >= 18
    assert states.count("pending") == 2 and states.count("declined") == 1
    assert all(row["reason"] for row in rows if row["status"] == "declined")
    emails = [email for email, _name, _shown in RESIDENTS]
    assert await User.count().where(User.email.is_in(emails)) == len(RESIDENTS)
