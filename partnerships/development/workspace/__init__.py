"""The development workspace per selected team: dates, contacts, checklist, meetings, files."""

ROUTERS: list = []
READERS: dict = {}
