"""Money and dates in partnerships: amounts read in the form's language, strict integer cents in
the JSON API, payment dates within the contract's life, huge numbers refused — never a 500,
nothing stored."""

from datetime import date

import pytest

from partnerships.milestones import payments
from partnerships.tables import Milestone, Partnership, Payment
from tests.partnerships.conftest import START, awarded_entry, plan, role_client, running, upload
from tests.support.files import pdf
from tests.support.web import api, post_form


async def approved_first(app, clients):
    """A running contract whose first milestone (20.000 €) is approved; returns its id and partner."""
    _entry, partnership, partner = await running(app, clients)
    first = partnership["milestones"][0]["id"]
    assert (
        await upload(partner, f"/api/v1/milestones/{first}/evidence", pdf("Bericht"))
    ).status_code == 200
    for who in ("staff", "staff2"):
        assert (
            await api(
                clients[who], "POST", f"/api/v1/milestones/{first}/reviews", {"decision": "approve"}
            )
        ).status_code == 200
    return first, partner


@pytest.mark.parametrize("amount", ["100", 1e3, 100.0, True, 2**63, 10**30, 1_000_000_000_01])
async def test_payment_cents_in_the_api_are_strict_bounded_integers(app, clients, amount):
    first, partner = await approved_first(app, clients)
    refused = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": amount, "paid_on": "2027-03-01"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "validation_error"
    assert [e["field"] for e in refused.json()["errors"]] == ["amount_cents"]
    assert not await Payment.exists().where(Payment.milestone == first)
    await partner.__aexit__(None, None, None)


@pytest.mark.parametrize(
    ("paid_on", "accepted"),
    [
        ("2026-01-01", False),  # before the contract started or existed
        ("2028-07-02", False),  # two days after "today" (the tests' calendar says 2028-06-30)
        ("2028-07-01", True),  # one day ahead is tolerated (time zones, late bookings)
        (START.isoformat(), True),
    ],
)
async def test_payment_dates_stay_within_the_contracts_life(app, clients, paid_on, accepted):
    first, partner = await approved_first(app, clients)
    response = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 100, "paid_on": paid_on},
    )
    if accepted:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "paid_on", (
            response.text
        )
        assert not await Payment.exists().where(Payment.milestone == first)
    await partner.__aexit__(None, None, None)


async def test_a_payment_dated_tomorrow_is_refused_by_the_real_calendar(app, clients, monkeypatch):
    first, partner = await approved_first(app, clients)
    monkeypatch.setattr(payments, "payment_today", lambda: date(2027, 3, 1))
    later = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first}/payments",
        {"amount_cents": 100, "paid_on": "2027-03-05"},
    )
    assert later.status_code == 422 and later.json()["errors"][0]["field"] == "paid_on", later.text
    assert not await Payment.exists().where(Payment.milestone == first)
    await partner.__aexit__(None, None, None)


async def test_the_payment_form_reads_amounts_in_the_users_language(app, clients):
    first, partner = await approved_first(app, clients)
    english = await role_client(app, "finance")
    from challenge.platform.accounts.tables import User

    await User.update({User.locale: "en"}).where(User.id == english.user["id"])
    # "1.234" is three decimals in English: refused, not read as 1,234 €
    refused = await post_form(
        english,
        f"/staff/milestones/{first}/payment",
        {"amount": "1.234", "paid_on": "2027-03-01", "reference": "K-1"},
    )
    assert refused.status_code == 422 and "two decimal places" in refused.text
    german_style = await post_form(
        english,
        f"/staff/milestones/{first}/payment",
        {"amount": "1.234,50", "paid_on": "2027-03-01", "reference": "K-1"},
    )
    assert german_style.status_code == 422
    assert not await Payment.exists().where(Payment.milestone == first)
    paid = await post_form(
        english,
        f"/staff/milestones/{first}/payment",
        {"amount": "1,234.50", "paid_on": "2027-03-01", "reference": "K-1"},
        follow_redirects=False,
    )
    assert paid.status_code == 303, paid.text
    # the same amount typed the German way by a German finance user
    german = await post_form(
        clients["finance"],
        f"/staff/milestones/{first}/payment",
        {"amount": "1.234,50", "paid_on": "2027-03-02", "reference": "K-2"},
        follow_redirects=False,
    )
    assert german.status_code == 303, german.text
    assert sorted(
        p["amount_cents"]
        for p in await Payment.select(Payment.amount_cents).where(Payment.milestone == first)
    ) == [1_234_50, 1_234_50]
    # a bad date in the form is a field error, not a 500
    bad_date = await post_form(
        clients["finance"],
        f"/staff/milestones/{first}/payment",
        {"amount": "1,00", "paid_on": "gestern", "reference": "K-3"},
    )
    assert bad_date.status_code == 422
    for client in (english, partner):
        await client.__aexit__(None, None, None)


@pytest.mark.parametrize("total", [10**30, 2**63, "60000", 60_000.0])
async def test_contract_totals_beyond_any_sane_amount_are_refused(app, clients, total):
    entry = await awarded_entry()
    body = plan(entry["submission_id"])
    body["total_cents"] = total
    refused = await api(clients["staff"], "POST", "/api/v1/partnerships", body)
    assert refused.status_code == 422, refused.text
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])


async def test_the_contract_editor_refuses_ambiguous_amounts_and_reads_back_its_own(app, clients):
    entry = await awarded_entry()
    form = {
        "submission_id": str(entry["submission_id"]),
        "title": "Kühle Wege",
        "scope": "Karte",
        "city_unit": "Referat Digitale Stadt",
        "start_date": START.isoformat(),
        "end_date": "2027-12-31",
        "total": "60.000,00",
        "m1_title": "Alles",
        "m1_deliverables": "",
        "m1_due": "2027-06-01",
        "m1_amount": "60000.00",
        "m1_position": "1",
    }
    refused = await post_form(clients["staff"], "/staff/partnerships/new", form)
    assert refused.status_code == 422 and "12.500,00" in refused.text
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])
    created = await post_form(
        clients["staff"],
        "/staff/partnerships/new",
        {**form, "m1_amount": "60.000"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    pid = created.headers["location"].rsplit("/", 1)[1]
    edit = await clients["staff"].get(f"/staff/partnerships/{pid}/edit")
    assert 'value="60000,00"' in edit.text
    assert (
        await Milestone.select(Milestone.amount_cents).where(Milestone.partnership == pid).first()
    )["amount_cents"] == 60_000_00


async def test_the_contract_editor_refuses_a_city_unit_longer_than_its_column(app, clients):
    entry = await awarded_entry()
    form = {
        "submission_id": str(entry["submission_id"]),
        "title": "Kühle Wege",
        "scope": "Karte",
        "city_unit": "U" * 201,
        "start_date": START.isoformat(),
        "end_date": "2027-12-31",
        "total": "60.000,00",
        "m1_title": "Alles",
        "m1_deliverables": "",
        "m1_due": "2027-06-01",
        "m1_amount": "60.000,00",
        "m1_position": "1",
    }
    refused = await post_form(clients["staff"], "/staff/partnerships/new", form)
    assert refused.status_code == 422, refused.text
    body = {**plan(entry["submission_id"]), "city_unit": "U" * 201}
    assert (await api(clients["staff"], "POST", "/api/v1/partnerships", body)).status_code == 422
    assert not await Partnership.exists().where(Partnership.submission == entry["submission_id"])
