"""The pitch day: schedule, slots, calendar, and its scoring round."""

from partnerships.development.pitch.api import PitchApi
from partnerships.development.pitch.pages import PitchScoringPages
from partnerships.development.pitch.staff_pages import StaffPitchPages

ROUTERS: list = [PitchApi, PitchScoringPages, StaffPitchPages]
READERS: dict = {}
