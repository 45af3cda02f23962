"""What the problems part adds (proposing, moderation, /mitmachen list and page, the API): its
routers, the file reader of a problem's photo or PDF, the words of a problem's states, the
public and staff navigation, and the demo problems."""

from __future__ import annotations

from challenge.platform.i18n import N_
from challenge.platform.parts import Part


def part() -> Part:
    """The problems part."""
    from challenge.participation.problems import files
    from challenge.participation.problems.api import ProblemsApi
    from challenge.participation.problems.demo import demo
    from challenge.participation.problems.pages import ProblemPages
    from challenge.participation.problems.staff_pages import ModerationPages

    return Part(
        routers=[ProblemsApi, ProblemPages, ModerationPages],
        document_readers={files.OWNER_TYPE: files.document_reader},
        document_namers={files.OWNER_TYPE: files.document_namer},
        document_redactions={files.OWNER_TYPE: files.redacted_reader},
        statuses={
            "problem": {
                "pending": (N_("Waiting for moderation"), "warning"),
                "published": (N_("Published"), "success"),
                "declined": (N_("Declined"), "danger"),
                "merged": (N_("Merged"), "info"),
                "withdrawn": (N_("Taken down"), "danger"),
            }
        },
        public_links=[("/mitmachen", N_("Take part"))],
        nav_links=[("/staff/participation", N_("Moderation"), ("staff", "admin"))],
        demo=demo,
    )
