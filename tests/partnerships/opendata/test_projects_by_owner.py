"""/projects filters by challenge owner (issue 17, point 8): a project comes from a winning
proposal, the proposal answered a challenge, the challenge's unit posed it. The select lists the
units that have public projects; projects of calls without challenges show as before."""

import uuid

from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.partnerships.conftest import running
from tests.support.factories import make_challenge, make_unit


async def _project_of(app, clients, unit: dict | None, title: str) -> dict:
    """A signed project whose proposal answered a challenge of ``unit`` (none: a plain call)."""
    entry, partnership, partner = await running(app, clients, title=title)
    await partner.__aexit__(None, None, None)
    if unit is not None:
        challenge = await make_challenge(
            entry["call"], f"c-{uuid.uuid4().hex[:6]}", unit=unit, title=f"Challenge zu {title}"
        )
        await Submission.update({Submission.challenge: challenge["id"]}).where(
            Submission.id == entry["submission_id"]
        )
    return partnership


async def test_projects_filter_by_challenge_owner(app, clients):
    tag = uuid.uuid4().hex[:6]
    green = await make_unit(f"Amt für Stadtgrün {tag}")
    water = await make_unit(f"Leipziger Wasserwerke {tag}")
    idle = await make_unit(f"Amt ohne Projekte {tag}")
    await _project_of(app, clients, green, f"Baumsensoren {tag}")
    await _project_of(app, clients, water, f"Leckortung {tag}")
    await _project_of(app, clients, None, f"Ohne Challenge {tag}")
    public = http_client(app)

    listing = (await public.get("/projects")).text
    select = listing.split('name="owner"')[1].split("</select>")[0]
    assert f'value="{green["id"]}"' in select and f'value="{water["id"]}"' in select
    assert str(idle["id"]) not in select  # only units that have projects
    for title in (f"Baumsensoren {tag}", f"Leckortung {tag}", f"Ohne Challenge {tag}"):
        assert title in listing
    assert f"Challenge zu Baumsensoren {tag}" in listing and green["name"] in listing

    filtered = (await public.get("/projects", params={"owner": str(green["id"])})).text
    assert f"Baumsensoren {tag}" in filtered
    assert f"Leckortung {tag}" not in filtered and f"Ohne Challenge {tag}" not in filtered
    assert f'value="{green["id"]}" lang="de" selected' in filtered

    nobody = (await public.get("/projects", params={"owner": str(idle["id"])})).text
    assert "Keine geförderten Projekte dieser Stelle." in nobody
    assert f"Baumsensoren {tag}" not in nobody
    english = await public.get(
        "/projects", params={"owner": "kein-amt"}, headers={"Accept-Language": "en"}
    )
    assert english.status_code == 200
    assert "No funded projects of this challenge owner." in english.text
    too_long = await public.get("/projects", params={"owner": "x" * 100})
    assert too_long.status_code == 400
    await public.aclose()
