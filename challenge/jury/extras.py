"""What later stages show the assigned juror beside the proposal on the review page
(``Domain.review_extras``), e.g. answers to the city's questions that staff marked for the jury.
The jury never imports those stages; each stage anonymises its part on a blind call itself.

A section is a dict: ``key`` (unique on the page), ``title`` and ``intro`` (msgids; intro may be
None), ``items``: each ``parts`` ([(label msgid, sanitised HTML)]), ``date`` (a datetime or None)
and ``files`` ([{"href", "name"}]). Rendered by templates/challenge/jury/review.html."""

from __future__ import annotations

from challenge.platform.domains import each


async def extras_for(user, submission: dict, blind: bool) -> list[dict]:
    """Every later stage's sections for this juror and entry, in stage order."""
    sections: list[dict] = []
    for _domain, provider in each("review_extras"):
        sections += await provider(user, submission, blind)
    return sections
