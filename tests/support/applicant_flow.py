"""An applicant's whole flow over HTTP against a running portal, for the load benchmarks and the
scale-out proof: log in (from a distinct client address, so rate limits see many people), then
create a draft, upload a PDF and submit."""

from __future__ import annotations

import httpx

from tests.support.files import multipart


async def log_in(
    base: str, email: str, password: str, forwarded_for: str
) -> tuple[httpx.AsyncClient, str]:
    """A signed-in client and the id of the person's first team."""
    # Idle connections are dropped after 2 s, before uvicorn closes them (after 5 s, which is also
    # httpx's default): otherwise a client that waited for the others to log in can send its
    # first flow request on a connection the server is closing at that moment (ReadError).
    client = httpx.AsyncClient(
        base_url=base,
        timeout=120,
        headers={"X-Forwarded-For": forwarded_for},
        limits=httpx.Limits(keepalive_expiry=2),
    )
    await client.get("/login")
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    response.raise_for_status()
    team = (await client.get("/api/v1/me/organisations")).json()[0]["id"]
    return client, team


async def submit_proposal(client: httpx.AsyncClient, slug: str, team: str, content: bytes) -> None:
    """Create a draft for the call, upload `content` as a PDF and submit it."""
    token = {"x-csrftoken": client.cookies["csrftoken"]}
    created = await client.post(
        f"/api/v1/calls/{slug}/submissions",
        headers=token,
        json={"organisation_id": team, "title": "Vorschlag", "summary": "Kurz", "category": "A"},
    )
    created.raise_for_status()
    sub = created.json()["id"]
    body, content_type = multipart("anlage.pdf", content)
    (
        await client.post(
            f"/api/v1/submissions/{sub}/documents",
            content=body,
            headers={**token, "content-type": content_type},
        )
    ).raise_for_status()
    (
        await client.post(f"/api/v1/submissions/{sub}/submit", headers=token, json={})
    ).raise_for_status()
