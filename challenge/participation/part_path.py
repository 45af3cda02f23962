"""What the path part adds to the participation domain: the way from a resident's problem into a
challenge and on to the pilot (its API, the forms of staff and units, the supporters' mails),
participation's open data, and the participation data of a person's export and erasure."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The path part."""
    from challenge.participation import privacy
    from challenge.participation.opendata.public import ParticipationOpenData
    from challenge.participation.path import demo
    from challenge.participation.path.api import ProblemPathApi
    from challenge.participation.path.notices import tell_supporters
    from challenge.participation.path.pages import ProblemPathPages

    return Part(
        routers=[ProblemPathApi, ProblemPathPages, ParticipationOpenData],
        periodic=[tell_supporters],
        privacy_export=privacy.export,
        privacy_erase=privacy.erase,
        demo=demo.load_demo,
    )
