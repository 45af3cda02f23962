"""A problem's path: challenge, call, proposals, selected teams, pilot, milestones met — and what
staff and the city's units may do with it (the page's section templates/participation/_path.html).
"""

from __future__ import annotations

from challenge.participation.path.policies import may_shape, path_rights
from challenge.participation.path.service import choices
from challenge.participation.path.steps import paths_of


def urls(problem_id) -> dict:
    """The addresses of the path's forms (pages.ProblemPathPages)."""
    base = f"/mitmachen/{problem_id}/weg"
    return {
        "page_url": base,
        "create_url": f"{base}/challenge",
        "link_url": f"{base}/verknuepfen",
        "unlink_url": f"{base}/trennen",
    }


async def problem_path(problem: dict) -> list[dict]:
    """The path's steps, oldest first (empty while the problem is not linked to a challenge)."""
    return (await paths_of([problem]))[problem["id"]]


async def path_actions(user, problem: dict) -> dict:
    """What the person may do with the path, and the forms' choices: ``{}`` for everyone but
    staff and the city's units; else ``create``/``link``/``unlink`` flags, ``units`` and
    ``challenges`` to choose from, and whether a unit must be chosen."""
    rights = await path_rights(user, problem)
    if not may_shape(rights):
        return {}
    options = await choices(rights) if rights["create"] or rights["link"] else {}
    units = options.get("units", [])
    return {
        "create": rights["create"],
        "link": rights["link"],
        "unlink": rights["unlink"],
        "units": [(str(unit_id), name) for unit_id, name in units],
        "choose_unit": rights["staff"] or len(units) > 1,
        "challenges": [
            (str(challenge_id), f"{title} – {unit}")
            for challenge_id, title, unit in options.get("challenges", [])
        ],
        **urls(problem["id"]),
    }
