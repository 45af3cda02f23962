"""How conversations join the portal (issue 20): the three parts' contributions
(challenge.messages.parts) merged into one Domain record."""

from __future__ import annotations

from challenge.messages.parts import Part
from challenge.platform.domains import Domain


def _parts() -> list[Part]:
    from challenge.messages import part_announcements, part_notifications, part_threads

    return [part_threads.part(), part_notifications.part(), part_announcements.part()]


def _merged(parts: list[Part], name: str) -> dict:
    merged: dict = {}
    for part in parts:
        merged.update(getattr(part, name))
    return merged


def _joined(parts: list[Part], name: str) -> list:
    return [item for part in parts for item in getattr(part, name)]


def _each(parts: list[Part], name: str) -> list:
    return [getattr(part, name) for part in parts if getattr(part, name) is not None]


def _joined_hook(parts: list[Part], name: str):
    """One hook of the parts that set ``name``, joining their lists (None when none sets it)."""
    hooks = _each(parts, name)
    if not hooks:
        return None

    async def joined(*args) -> list:
        return [item for hook in hooks for item in await hook(*args)]

    return joined


def _merged_links(parts: list[Part]):
    """The parts' submissions_links joined per proposal (None when no part sets it)."""
    hooks = _each(parts, "submissions_links")
    if not hooks:
        return None

    async def merged(user, submissions: list[dict]) -> dict:
        links: dict = {row["id"]: [] for row in submissions}
        for hook in hooks:
            for submission_id, found in (await hook(user, submissions)).items():
                links.setdefault(submission_id, []).extend(found)
        return links

    return merged


def domain() -> Domain:
    """The messages domain's record (stage after results: it reads proposals and calls)."""
    parts = _parts()
    dashboards = _each(parts, "dashboard")
    exports = _each(parts, "privacy_export")
    erasures = _each(parts, "privacy_erase")

    async def dashboard(user, locale: str) -> list[dict]:
        return [panel for panels in dashboards for panel in await panels(user, locale)]

    async def privacy_export(user_id) -> dict:
        section: dict = {}
        for export in exports:
            section.update(await export(user_id))
        return section

    async def privacy_erase(user_id, address: str) -> dict:
        removed: dict = {}
        for erase in erasures:
            removed.update(await erase(user_id, address))
        return removed

    return Domain(
        name="messages",
        routers=_joined(parts, "routers"),
        periodic=_joined(parts, "periodic"),
        retention=_joined(parts, "retention"),
        nav_links=_joined(parts, "nav_links"),
        staff_call_links=_joined(parts, "staff_call_links"),
        job_handlers=_merged(parts, "job_handlers"),
        document_readers=_merged(parts, "document_readers"),
        document_namers=_merged(parts, "document_namers"),
        document_redactions=_merged(parts, "document_redactions"),
        thread_subjects=_merged(parts, "thread_subjects"),
        statuses=_merged(parts, "statuses"),
        dashboard=dashboard if dashboards else None,
        privacy_export=privacy_export if exports else None,
        privacy_erase=privacy_erase if erasures else None,
        submission_links=_joined_hook(parts, "submission_links"),
        submissions_links=_merged_links(parts),
        submission_notices=_joined_hook(parts, "submission_notices"),
        review_extras=_joined_hook(parts, "review_extras"),
    )
