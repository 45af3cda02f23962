"""Jury hardening (issue 16): on a blind call nothing a juror fetches links a team to an entry —
conflicts are declared per team; conflicts from team membership or staff cannot be taken back,
a juror never reviews an entry of their own team, and every withdrawal is audited with a reason."""

import json
from datetime import UTC, datetime

from challenge.jury.tables import Assignment, Conflict, Review
from challenge.organisations.tables import Membership
from challenge.platform.audit.tables import AuditEntry
from tests.challenge.jury.test_jury import _round, juror_client, proposal, staff  # noqa: F401 (fixture)
from tests.challenge.submissions.test_submissions import open_call
from tests.support.web import api, post_form


def _domain_email(name: str) -> str:
    return f"{name}-{datetime.now().timestamp()}@stadtwerke-leipzig.de"


async def _join(user_id, team_id) -> None:
    await Membership(
        organisation=team_id, user=user_id, role="member", created_at=datetime.now(UTC)
    ).save()


async def _withdrawals(conflict_ids) -> list[dict]:
    rows = await AuditEntry.select().where(AuditEntry.action == "jury.conflict_withdrawn")
    wanted = {str(c) for c in conflict_ids}
    return [
        json.loads(r["payload"]) for r in rows if json.loads(r["payload"]).get("conflict") in wanted
    ]


def _links(text: str, entries: list[dict]) -> list[str]:
    """Entry and team ids found in a response."""
    ids = [str(e["id"]) for e in entries] + [str(e["team"]["id"]) for e in entries]
    return [i for i in ids if i in text]


# --- 1. blind calls: the declaration names teams, never entries --------------------------------


async def test_blind_declaration_lists_teams_and_declares_per_team(app, staff):  # noqa: F811
    call = await open_call(blind_review=True)
    near = await proposal(app, call, team_name="Nachbarteam", member_email=_domain_email("kollege"))
    far = await proposal(app, call, team_name="Fremdes Team")
    juror = await juror_client(app, staff, call, email=_domain_email("jurorin"))
    url = f"/api/v1/jury/calls/{call['slug']}"
    response = await juror.get(f"{url}/declaration")
    assert response.status_code == 200
    assert _links(response.text, [near, far]) == []  # no entry id, no organisation id
    declaration = response.json()
    assert declaration["blind"] is True and "submissions" not in declaration
    teams = {t["organisation"]: t for t in declaration["teams"]}
    assert set(teams) == {"Nachbarteam", "Fremdes Team"}
    assert teams["Nachbarteam"]["members"] == [near["member"]["name"]]
    # the suggestion (shared mail domain) is shown for the team, not for an entry
    [suggested] = declaration["conflicts"]
    assert suggested["team"] == teams["Nachbarteam"]["team"] and "submission_id" not in suggested
    assert suggested["source"] == "suggested" and suggested["locked"] is False

    # declaring with an entry id is refused on a blind call; with the team's token it works
    by_entry = await api(
        juror, "POST", f"{url}/conflicts", {"submission_id": far["id"], "reason": "Kenne ich"}
    )
    assert by_entry.status_code == 422 and by_entry.json()["errors"][0]["field"] == "team"
    unknown = await api(
        juror, "POST", f"{url}/conflicts", {"team": "nicht-da", "reason": "Kenne ich"}
    )
    assert unknown.status_code == 404
    declared = await api(
        juror,
        "POST",
        f"{url}/conflicts",
        {"team": teams["Fremdes Team"]["team"], "reason": "Kenne ich"},
    )
    assert declared.status_code == 201, declared.text
    assert _links(declared.text, [near, far]) == []
    assert declared.json() == [
        {
            "id": declared.json()[0]["id"],
            "team": teams["Fremdes Team"]["team"],
            "reason": "Kenne ich",
            "source": "declared",
            "locked": False,
        }
    ]
    # the server maps the team to its entry
    assert await Conflict.exists().where(
        (Conflict.juror == juror.user["id"])
        & (Conflict.submission == far["id"])
        & Conflict.lifted_at.is_null()
    )
    again = await juror.get(f"{url}/declaration")
    assert _links(again.text, [near, far]) == []
    assert {c["team"] for c in again.json()["conflicts"]} == {t["team"] for t in teams.values()}
    await juror.__aexit__(None, None, None)


async def test_blind_team_tokens_are_per_call_and_not_ids(app, staff):  # noqa: F811
    first, second = await open_call(blind_review=True), await open_call(blind_review=True)
    entry = await proposal(app, first, team_name="Doppelt")
    juror = await juror_client(app, staff, first)
    token = (await juror.get(f"/api/v1/jury/calls/{first['slug']}/declaration")).json()["teams"][0][
        "team"
    ]
    assert token not in (
        str(entry["id"]),
        str(entry["team"]["id"]),
        entry["team"]["id"].hex,
        str(entry["id"]).replace("-", ""),
    )
    # the same team's token in another call does not name it there
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{second['slug']}/jurors",
        {"email": juror.user["email"], "name": "Jana"},
    )
    elsewhere = await api(
        juror,
        "POST",
        f"/api/v1/jury/calls/{second['slug']}/conflicts",
        {"team": token, "reason": "x"},
    )
    assert elsewhere.status_code == 404
    await juror.__aexit__(None, None, None)


async def test_blind_declaration_page_names_teams_only(app, staff):  # noqa: F811
    call = await open_call(blind_review=True)
    near = await proposal(
        app, call, team_name="Nachbarteam Seite", member_email=_domain_email("kollege")
    )
    far = await proposal(app, call, team_name="Fremdes Team Seite")
    juror = await juror_client(app, staff, call, email=_domain_email("jurorin"))
    page = await juror.get(f"/jury/calls/{call['slug']}/declaration")
    assert (
        page.status_code == 200
        and "Fremdes Team Seite" in page.text
        and "Nachbarteam Seite" in page.text
    )
    assert _links(page.text, [near, far]) == []
    token = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()["teams"]
    token = {t["organisation"]: t["team"] for t in token}["Fremdes Team Seite"]
    assert f'value="{token}"' in page.text
    # an entry id posted on the page is not accepted as a team
    refused = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts",
        {"target": str(far["id"]), "kind": "submission", "reason": "Kenne ich"},
    )
    assert refused.status_code == 404
    declared = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts",
        {"target": token, "kind": "team", "reason": "Kenne ich"},
    )
    assert declared.status_code == 303
    assert await Conflict.exists().where(
        (Conflict.juror == juror.user["id"]) & (Conflict.submission == far["id"])
    )
    after = await juror.get(f"/jury/calls/{call['slug']}/declaration")
    assert "Kenne ich" in after.text and _links(after.text, [near, far]) == []
    # take the team's conflict back (with a reason) — per team, audited
    conflict_id = next(
        c["id"]
        for c in (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()[
            "conflicts"
        ]
        if c["team"] == token
    )
    taken = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts/{conflict_id}/withdraw",
        {"reason": "Verwechselt"},
    )
    assert taken.status_code == 303
    assert not await Conflict.exists().where(
        (Conflict.juror == juror.user["id"])
        & (Conflict.submission == far["id"])
        & Conflict.lifted_at.is_null()
    )
    assert [w["reason"] for w in await _withdrawals([conflict_id])] == ["Verwechselt"]
    await juror.__aexit__(None, None, None)


async def test_blind_jury_pages_and_json_after_assignment_link_nothing(app, staff):  # noqa: F811
    call = await open_call(blind_review=True)
    entries = [await proposal(app, call, team_name=f"Geheimteam {n}") for n in range(2)]
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    assigned = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert assigned.status_code == 200, assigned.text
    team_ids = [str(e["team"]["id"]) for e in entries]
    names = [e["team"]["name"] for e in entries] + [e["member"]["name"] for e in entries]
    fetched = [
        await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration"),
        await juror.get("/api/v1/jury/assignments"),
        await juror.get(f"/jury/calls/{call['slug']}"),
        await juror.get(f"/jury/calls/{call['slug']}/declaration"),
    ]
    for entry in entries:
        fetched += [
            await juror.get(f"/jury/reviews/{entry['id']}"),
            await juror.get(f"/api/v1/submissions/{entry['id']}"),
            await api(
                juror,
                "PUT",
                f"/api/v1/jury/reviews/{entry['id']}",
                {"round": 1, "scores": {"impact": 5}},
            ),
            await juror.get(f"/api/v1/jury/reviews/{entry['id']}"),
        ]
    for response in fetched:
        assert response.status_code in (200, 201), (response.url, response.status_code)
        for team_id in team_ids:
            assert team_id not in response.text, response.url
    # the declaration names the teams; what names an entry does not
    for response in fetched[1:3] + fetched[4:]:
        for name in names:
            assert name not in response.text, (name, response.url)
    declaration = fetched[0].text
    assert not any(str(e["id"]) in declaration for e in entries)
    await juror.__aexit__(None, None, None)


async def test_non_blind_declaration_keeps_its_shape(app, staff):  # noqa: F811
    call = await open_call()
    entry = await proposal(
        app, call, team_name="Offenes Team", member_email=_domain_email("kollege")
    )
    juror = await juror_client(app, staff, call, email=_domain_email("jurorin"))
    declaration = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    assert declaration["blind"] is False and [s["id"] for s in declaration["submissions"]] == [
        entry["id"]
    ]
    assert declaration["submissions"][0]["organisation"] == "Offenes Team"
    [conflict] = declaration["conflicts"]
    assert (
        conflict["submission_id"] == entry["id"]
        and conflict["source"] == "suggested"
        and conflict["locked"] is False
    )
    assert "team" not in conflict
    await juror.__aexit__(None, None, None)


# --- 2. conflicts that cannot be taken back; a juror never reviews their own team ---------------


async def test_membership_and_staff_conflicts_are_locked_in_the_api(app, staff):  # noqa: F811
    call = await open_call()
    own = await proposal(app, call, team_name="Eigenes Team")
    by_staff = await proposal(app, call, team_name="Staff Team")
    near = await proposal(
        app, call, team_name="Nachbar Team", member_email=_domain_email("kollege")
    )
    juror = await juror_client(app, staff, call, email=_domain_email("jurorin"))
    await _join(juror.user["id"], own["team"]["id"])
    url = f"/api/v1/jury/calls/{call['slug']}"
    declaration = (await juror.get(f"{url}/declaration")).json()
    conflicts = {c["submission_id"]: c for c in declaration["conflicts"]}
    assert conflicts[own["id"]]["source"] == "member" and conflicts[own["id"]]["locked"] is True
    assert conflicts[near["id"]]["locked"] is False
    staffed = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts",
        {"juror_id": str(juror.user["id"]), "submission_id": by_staff["id"], "reason": "Bekannt"},
    )
    assert staffed.status_code == 201 and staffed.json()["locked"] is True

    for entry in (own, by_staff):
        cid = conflicts[entry["id"]]["id"] if entry is own else staffed.json()["id"]
        refused = await api(juror, "DELETE", f"{url}/conflicts/{cid}", {"reason": "Passt schon"})
        assert refused.status_code == 403 and refused.json()["code"] == "conflict_locked", (
            refused.text
        )
        assert await Conflict.exists().where((Conflict.id == cid) & Conflict.lifted_at.is_null())
    # a juror's own mark on their own team is locked too
    declared = await api(
        juror, "POST", f"{url}/conflicts", {"submission_id": own["id"], "reason": "Mein Team"}
    )
    assert declared.json()[0]["locked"] is True

    # a suggestion can be taken back — only with a reason, which is audited
    near_id = conflicts[near["id"]]["id"]
    no_reason = await api(juror, "DELETE", f"{url}/conflicts/{near_id}")
    assert no_reason.status_code == 422
    assert await Conflict.exists().where((Conflict.id == near_id) & Conflict.lifted_at.is_null())
    taken = await api(
        juror, "DELETE", f"{url}/conflicts/{near_id}", {"reason": "Andere Stadtwerke-Abteilung"}
    )
    assert taken.status_code == 204, taken.text
    assert [w["reason"] for w in await _withdrawals([near_id])] == ["Andere Stadtwerke-Abteilung"]
    after = (await juror.get(f"{url}/declaration")).json()
    assert near["id"] not in {c["submission_id"] for c in after["conflicts"]}  # not suggested again
    # staff lifting is audited with its reason as well
    lifted = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts/{staffed.json()['id']}/lift",
        {"reason": "Geklärt"},
    )
    assert lifted.status_code == 200
    await juror.__aexit__(None, None, None)


async def test_locked_conflicts_have_no_withdraw_control_on_the_page(app, staff):  # noqa: F811
    call = await open_call()
    own = await proposal(app, call, team_name="Eigenes Seitenteam")
    near = await proposal(
        app, call, team_name="Nachbar Seitenteam", member_email=_domain_email("kollege")
    )
    juror = await juror_client(app, staff, call, email=_domain_email("jurorin"))
    await _join(juror.user["id"], own["team"]["id"])
    page = await juror.get(f"/jury/calls/{call['slug']}/declaration")
    conflicts = {
        c["submission_id"]: c["id"]
        for c in (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()[
            "conflicts"
        ]
    }
    assert f"/conflicts/{conflicts[own['id']]}/withdraw" not in page.text
    assert f"/conflicts/{conflicts[near['id']]}/withdraw" in page.text
    forced = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts/{conflicts[own['id']]}/withdraw",
        {"reason": "Trotzdem"},
    )
    assert forced.status_code == 403
    assert await Conflict.exists().where(
        (Conflict.id == conflicts[own["id"]]) & Conflict.lifted_at.is_null()
    )
    no_reason = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts/{conflicts[near['id']]}/withdraw",
        {"reason": ""},
    )
    assert (
        no_reason.status_code == 422
        and f'href="#field-withdraw-{conflicts[near["id"]]}"' in no_reason.text
    )
    taken = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/conflicts/{conflicts[near['id']]}/withdraw",
        {"reason": "Irrtum"},
    )
    assert taken.status_code == 303
    assert [w["reason"] for w in await _withdrawals([conflicts[near["id"]]])] == ["Irrtum"]
    await juror.__aexit__(None, None, None)


async def test_a_juror_never_reviews_an_entry_of_their_own_team(app, staff):  # noqa: F811
    for blind in (False, True):
        call = await open_call(blind_review=blind)
        own = await proposal(app, call, team_name="Eigenes Team")
        other = await proposal(app, call, team_name="Anderes Team")
        juror = await juror_client(app, staff, call)
        helper = await juror_client(app, staff, call)
        await _join(juror.user["id"], own["team"]["id"])
        await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")
        # staff lift the membership conflict: the team membership still decides
        [mark] = await Conflict.select().where(
            (Conflict.juror == juror.user["id"]) & (Conflict.submission == own["id"])
        )
        lifted = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/conflicts/{mark['id']}/lift",
            {"reason": "Versehen"},
        )
        assert lifted.status_code == 200
        for client in (juror, helper):
            await api(client, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
        manual = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/assignments",
            {"juror_id": str(juror.user["id"]), "submission_id": own["id"]},
        )
        assert manual.status_code == 422 and manual.json()["code"] == "conflict_of_interest"
        auto = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/assignments/auto",
            {"round": 1, "reviews_per_submission": 1},
        )
        assert auto.status_code == 200, auto.text
        assert not await Assignment.exists().where(
            (Assignment.juror == juror.user["id"])
            & (Assignment.submission == own["id"])
            & (Assignment.status != "recused")
        )
        # an assignment from before joining the team: no reading, no scoring — API and pages
        await Assignment(
            round=(await _round(call))["id"],
            juror=juror.user["id"],
            submission=own["id"],
            created_at=datetime.now(UTC),
        ).save()
        assert (await juror.get(f"/api/v1/jury/reviews/{own['id']}")).status_code == 404
        saved = await api(
            juror,
            "PUT",
            f"/api/v1/jury/reviews/{own['id']}",
            {"round": 1, "scores": {"impact": 10}, "final": True},
        )
        assert saved.status_code == 404
        assert (await juror.get(f"/jury/reviews/{own['id']}")).status_code == 404
        form = await post_form(
            juror, f"/jury/reviews/{own['id']}", {"score_impact": "10", "action": "final"}
        )
        assert form.status_code == 404
        autosave = await post_form(
            juror, f"/jury/reviews/{own['id']}/autosave", {"score_impact": "10"}
        )
        assert autosave.status_code == 404
        assert not await Review.exists().where(
            (Review.juror == juror.user["id"]) & (Review.submission == own["id"])
        )
        # a re-run recuses that assignment and gives the entry to someone else
        rerun = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/assignments/auto",
            {"round": 1, "reviews_per_submission": 1},
        )
        assert rerun.status_code == 200, rerun.text
        assert not await Assignment.exists().where(
            (Assignment.juror == juror.user["id"])
            & (Assignment.submission == own["id"])
            & (Assignment.status != "recused")
        )
        assert await Assignment.exists().where(
            (Assignment.submission == own["id"]) & (Assignment.status == "assigned")
        )
        assert other["id"]
        for client in (juror, helper):
            await client.__aexit__(None, None, None)
