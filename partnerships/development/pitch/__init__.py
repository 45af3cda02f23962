"""The pitch day: schedule, slots, calendar, and its scoring round."""

ROUTERS: list = []
READERS: dict = {}
