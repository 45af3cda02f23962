"""The partnership pages: staff draft, edit and send a contract; the partner signs, reports and
sees payments; two staff approve and finance pays — all through forms."""

from datetime import timedelta

from partnerships.tables import Milestone, Partnership
from tests.conftest import http_client
from tests.partnerships.conftest import START, awarded_entry, role_client
from tests.support.files import multipart, pdf
from tests.support.web import csrf, login, post_form


def contract_form(entry, **overrides):
    form = {
        "submission_id": str(entry["submission_id"]),
        "title": "Kühle Wege",
        "scope": "Schattenkarte",
        "city_unit": "Referat Digitale Stadt",
        "start_date": START.isoformat(),
        "end_date": "2027-12-31",
        "total": "60.000,00",
        "m1_position": "1",
        "m1_title": "Prototyp",
        "m1_deliverables": "Karte",
        "m1_due": "2027-03-01",
        "m1_amount": "20.000",
        "m2_position": "2",
        "m2_title": "Pilot",
        "m2_deliverables": "",
        "m2_due": "2027-06-01",
        "m2_amount": "40.000,00",
        "m3_position": "",
        "m3_title": "",
        "m3_deliverables": "",
        "m3_due": "",
        "m3_amount": "",
    }
    form.update(overrides)
    return form


async def post_multipart(client, url, filename, content, extra=None):
    body, content_type = multipart(filename, content, extra=extra)
    return await client.post(
        f"{url}?_csrf_token={await csrf(client)}",
        content=body,
        headers={"content-type": content_type},
        follow_redirects=False,
    )


async def test_contract_lifecycle_through_the_pages(app):
    staff, staff2, finance = (
        await role_client(app, "staff"),
        await role_client(app, "staff"),
        await role_client(app, "finance"),
    )
    entry = await awarded_entry()
    prefilled = await staff.get(f"/staff/partnerships/new?submission={entry['submission_id']}")
    assert (
        prefilled.status_code == 200
        and entry["team"]["name"] in prefilled.text
        and "60000,00" in prefilled.text
    )
    bad = await post_form(staff, "/staff/partnerships/new", contract_form(entry, m2_due="bald"))
    assert bad.status_code == 422 and "JJJJ-MM-TT" in bad.text
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])
    created = await post_form(
        staff, "/staff/partnerships/new", contract_form(entry), follow_redirects=False
    )
    assert created.status_code == 303
    pid = created.headers["location"].rsplit("/", 1)[-1]
    # reorder in the editor: the pilot first
    edit = await post_form(
        staff,
        f"/staff/partnerships/{pid}/edit",
        contract_form(entry, m1_position="2", m2_position="1"),
        follow_redirects=False,
    )
    assert edit.status_code == 303
    titles = [
        m["title"]
        for m in await Milestone.select(Milestone.title)
        .where(Milestone.partnership == pid)
        .order_by(Milestone.position)
    ]
    assert titles == ["Pilot", "Prototyp"]
    again = await staff.get(
        f"/staff/partnerships/new?submission={entry['submission_id']}", follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"].endswith(pid)
    assert (
        await post_form(staff, f"/staff/partnerships/{pid}/send", {}, follow_redirects=False)
    ).status_code == 303
    # the partner signs in the partner area
    partner = http_client(app)
    async with partner:
        await login(partner, entry["owner"]["email"])
        area = await partner.get("/partner")
        assert "Kühle Wege" in area.text
        page = await partner.get(f"/partner/partnerships/{pid}")
        assert page.status_code == 200 and "Vertrag-" in page.text
        signed = await post_multipart(
            partner, f"/partner/partnerships/{pid}/signed", "unterschrieben.pdf", pdf()
        )
        assert signed.status_code == 303
        assert (await Partnership.select(Partnership.status).where(Partnership.id == pid).first())[
            "status"
        ] == "active"
        first = (
            await Milestone.select(Milestone.id)
            .where(Milestone.partnership == pid)
            .order_by(Milestone.position)
            .first()
        )["id"]
        # a note alone is evidence too; the browser sends an empty file part
        noted = await post_multipart(
            partner,
            f"/partner/partnerships/{pid}/milestones/{first}/evidence",
            "",
            b"",
            extra={"note": "Pilot läuft in zwei Quartieren"},
        )
        assert noted.status_code == 303, noted.text
    # two staff approve, finance pays
    for client in (staff, staff2):
        assert (
            await post_form(
                client,
                f"/staff/milestones/{first}/review",
                {"decision": "approve", "comment": ""},
                follow_redirects=False,
            )
        ).status_code == 303
    same = await post_form(staff, f"/staff/milestones/{first}/review", {"decision": "approve"})
    assert same.status_code in (409, 422)
    detail = await finance.get(f"/staff/partnerships/{pid}")
    assert "Zahlung erfassen" in detail.text
    paid = await post_form(
        finance,
        f"/staff/milestones/{first}/payment",
        {
            "amount": "40.000,00",
            "paid_on": (START + timedelta(days=100)).isoformat(),
            "reference": "K-77",
        },
        follow_redirects=False,
    )
    assert paid.status_code == 303
    listing = await staff.get("/staff/partnerships")
    assert "Kühle Wege" in listing.text and "40.000,00" in listing.text
    funding = await finance.get("/staff/funding")
    assert funding.status_code == 200 and "<svg" in funding.text and "60.000,00" in funding.text
    for client in (staff, staff2, finance):
        await client.__aexit__(None, None, None)


async def test_empty_states(app):
    staff = await role_client(app, "staff")
    nobody = await role_client(app)
    assert (await nobody.get("/partner")).status_code == 200
    assert "noch keine Partnerschaft" in (await nobody.get("/partner")).text
    assert (await staff.get("/staff/funding")).status_code == 200
    for client in (staff, nobody):
        await client.__aexit__(None, None, None)
