"""The team's offer for a pilot: a structured draft, submitted before the deadline, frozen."""

ROUTERS: list = []
READERS: dict = {}
