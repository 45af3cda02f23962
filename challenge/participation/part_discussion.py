"""What the discussion part adds to the participation domain's record (merged by
challenge.participation.domain): supports and comments on residents' problems (issue 21,
point 2) — the JSON API, the page forms of a problem's page, the moderators' comment list, and
demo supports and comments. (A person's share of them in export and erasure is
challenge.participation.privacy's, for all of participation.)"""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The discussion part."""
    from challenge.participation.discussion.api import CommentsApi, ProblemDiscussionApi
    from challenge.participation.discussion.demo import load_demo
    from challenge.participation.discussion.pages import DiscussionPages
    from challenge.participation.discussion.staff_pages import StaffCommentPages

    return Part(
        routers=[ProblemDiscussionApi, CommentsApi, DiscussionPages, StaffCommentPages],
        demo=load_demo,
    )
