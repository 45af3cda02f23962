"""Jury pages without JavaScript: accept, declare, complete, score; the staff jury page."""

from challenge.jury.tables import Assignment, Conflict, Review
from tests.challenge.jury.test_jury import proposal
from tests.challenge.submissions.test_submissions import open_call
from tests.conftest import http_client
from tests.support.web import login, make_user, post_form, spooled_mails, unique_email


async def test_juror_journey_through_the_pages(app, client, settings, deliver_mail):
    call = await open_call()
    first = await proposal(app, call, team_name="Team Eins")
    second = await proposal(app, call, team_name="Team Zwei")
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    juror_email = unique_email("seitenjury")
    juror = await make_user(email=juror_email, name="Paula Prüfer")
    invited = await post_form(
        client,
        f"/staff/calls/{call['slug']}/jury/invite",
        {"name": "Paula Prüfer", "email": juror_email},
        follow_redirects=True,
    )
    assert "Paula Prüfer" in invited.text

    async with http_client(app) as browser:
        await login(browser, juror["email"])
        page = await browser.get(f"/jury/calls/{call['slug']}")
        assert "Interessenkonflikte" in page.text
        declaration = await post_form(
            browser, f"/jury/calls/{call['slug']}/accept", {}, follow_redirects=True
        )
        assert "Team Eins" in declaration.text and "Team Zwei" in declaration.text
        refused = await post_form(
            browser,
            f"/jury/calls/{call['slug']}/conflicts",
            {"target": str(first["id"]), "kind": "submission", "reason": ""},
        )
        assert refused.status_code == 422
        await post_form(
            browser,
            f"/jury/calls/{call['slug']}/conflicts",
            {"target": str(first["id"]), "kind": "submission", "reason": "Ehemaliger Kollege"},
        )
        assert await Conflict.exists().where(
            (Conflict.juror == juror["id"]) & (Conflict.submission == first["id"])
        )
        # the first row now shows its conflict: the summary's link still finds the next reason field
        no_reason = await post_form(
            browser,
            f"/jury/calls/{call['slug']}/conflicts",
            {"target": str(second["id"]), "kind": "submission", "reason": ""},
        )
        assert no_reason.status_code == 422 and 'href="#field-reason"' in no_reason.text
        assert no_reason.text.count('id="field-reason"') == 1
        not_confirmed = await post_form(
            browser, f"/jury/calls/{call['slug']}/declaration/complete", {}
        )
        assert not_confirmed.status_code == 422
        await post_form(
            browser, f"/jury/calls/{call['slug']}/declaration/complete", {"confirm": "1"}
        )

        others = [await make_user() for _ in range(2)]
        for other in others:
            await post_form(
                client,
                f"/staff/calls/{call['slug']}/jury/invite",
                {"name": "Weitere Jury", "email": other["email"]},
            )
            async with http_client(app) as other_browser:
                await login(other_browser, other["email"])
                await post_form(other_browser, f"/jury/calls/{call['slug']}/accept", {})
                await post_form(
                    other_browser,
                    f"/jury/calls/{call['slug']}/declaration/complete",
                    {"confirm": "1"},
                )
        assigned = await post_form(
            client, f"/staff/calls/{call['slug']}/jury/assign", {"reviews_per_submission": "2"}
        )
        assert "neue Zuteilungen" in assigned.text
        assert not await Assignment.exists().where(
            (Assignment.juror == juror["id"]) & (Assignment.submission == first["id"])
        )

        overview = await browser.get(f"/jury/calls/{call['slug']}")
        assert f"/jury/reviews/{second['id']}" in overview.text
        screen = await browser.get(f"/jury/reviews/{second['id']}")
        assert 'type="radio"' in screen.text and "Team Zwei" in screen.text
        draft = await post_form(
            browser,
            f"/jury/reviews/{second['id']}",
            {"score_impact": "7", "comment": "Solide", "action": "draft"},
        )
        assert "Entwurf gespeichert" in draft.text and 'value="7" checked' in draft.text
        assert "70,0" in draft.text  # the running total, server-side: 7 on a 0–10 scale
        incomplete = await post_form(
            browser, f"/jury/reviews/{second['id']}", {"score_impact": "42", "action": "final"}
        )
        assert incomplete.status_code == 422
        unconfirmed = await post_form(
            browser,
            f"/jury/reviews/{second['id']}",
            {"score_impact": "8", "comment": "Sehr gut", "shareable": "1", "action": "final"},
        )
        assert unconfirmed.status_code == 422 and 'href="#field-confirm_final"' in unconfirmed.text
        assert 'value="8" checked' in unconfirmed.text  # nothing the juror entered is lost
        final = await post_form(
            browser,
            f"/jury/reviews/{second['id']}",
            {
                "score_impact": "8",
                "comment": "Sehr gut",
                "shareable": "1",
                "action": "final",
                "confirm_final": "1",
            },
        )
        assert "abgeschlossen" in final.text
        assert 'type="radio"' not in final.text and "Bewertung abschließen" not in final.text
        review = (
            await Review.select()
            .where((Review.juror == juror["id"]) & (Review.submission == second["id"]))
            .first()
        )
        assert review["status"] == "final" and review["shareable"] is True
        assert (
            await browser.get(f"/jury/reviews/{first['id']}")
        ).status_code == 404  # conflicted: never shown

    reminded = await post_form(client, f"/staff/calls/{call['slug']}/jury/remind", {})
    assert "Erinnerungen gesendet" in reminded.text
    again = await post_form(client, f"/staff/calls/{call['slug']}/jury/remind", {})
    assert "0 Erinnerungen gesendet" in again.text  # at most one per juror per day
    await deliver_mail()
    assert any(
        "Erinnerung" in m["Subject"]
        for other in others
        for m in spooled_mails(settings.mail_dir, other["email"])
    )


async def test_scoring_screen_autosaves_drafts(app, client):
    from tests.challenge.jury.test_jury import juror_client
    from tests.challenge.jury.test_jury import proposal as make_proposal
    from tests.support.web import api

    call = await open_call()
    entry = await make_proposal(app, call, team_name="Autosave")
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    juror = await juror_client(app, client, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    screen = await juror.get(f"/jury/reviews/{entry['id']}")
    assert f'hx-post="/jury/reviews/{entry["id"]}/autosave?round=1"' in screen.text
    saved = await post_form(juror, f"/jury/reviews/{entry['id']}/autosave", {"score_impact": "6"})
    assert "automatisch gespeichert" in saved.text
    review = (
        await Review.select(Review.scores, Review.status)
        .output(load_json=True)
        .where(Review.submission == entry["id"])
        .first()
    )
    assert review == {"scores": {"impact": 6}, "status": "draft"}
    await juror.__aexit__(None, None, None)
