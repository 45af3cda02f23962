"""Issuing a large PDF (the jury report) in a process of its own: the HTML is rendered here,
WeasyPrint loads and lays it out in a spawned process that ends with the PDF.

In the web process, WeasyPrint's first import and a 200-row report's layout grew the server by
50–90 MB at a city's scale (issue 25), and the allocator kept most of it after; a process that
ends gives all of it back. The first report costs the same CPU either way (3.0 s at that scale:
the import, the fonts and the layout); every later one pays the import and the fonts again
(about 0.7 s), which a report issued once per change of its reviews or decisions can pay."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

from challenge.platform.pdf.pool import process_pool

if TYPE_CHECKING:
    from challenge.platform.storage import Storage


def _pdf(html: str) -> bytes:
    """Runs in the spawned process."""
    from challenge.platform.pdf.render import html_to_pdf

    return html_to_pdf(html)


# one layout process at a time per server process (each peaks at about 150 MB): concurrent
# first views of large reports wait for each other instead of adding up
_GATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _GATES.get(loop)
    if gate is None:
        gate = _GATES[loop] = asyncio.Semaphore(1)
    return gate


async def pdf_in_own_process(html: str) -> bytes:
    """The PDF of an HTML page, laid out by WeasyPrint in a spawned process of its own (one such
    process at a time per server process)."""
    async with _gate():
        pool = process_pool(1)  # (spawned, and it dies with this process: platform.pdf.pool)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, _pdf, html)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


async def issue_pdf_in_own_process(
    storage: Storage, *, template: str, context: dict, locale: str, title: str, **document
) -> dict:
    """``platform.pdf.issue.issue_pdf`` with the layout in a process of its own: the template
    (templates/pdf/<template>) rendered here with the verification code, the PDF stored and
    recorded as a document (``document``: filename, kind, owner_type, owner_id, public, actor)."""
    # (imported here: the spawned process imports this module for ``_pdf`` and needs none of
    # them; the database's and the storage's modules took a third of a second to load there)
    from challenge.platform import clock
    from challenge.platform.pdf.codes import new_verification_code
    from challenge.platform.pdf.issue import store_issued
    from challenge.platform.templating import render

    code, issued_at = new_verification_code(), clock.now()
    html = await asyncio.to_thread(
        render,
        f"pdf/{template}",
        locale=locale,
        verification_code=code,
        issued_at=issued_at,
        title=title,
        **context,
    )
    pdf = await pdf_in_own_process(html)
    return await store_issued(storage, pdf, code=code, issued_at=issued_at, title=title, **document)
