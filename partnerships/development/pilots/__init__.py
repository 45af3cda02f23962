"""The pilot decision per challenge, the pilot contract from the offer, the open-source bonus."""

from partnerships.development.pilots.api import PilotsApi
from partnerships.development.pilots.staff_pages import StaffPilotPages

ROUTERS: list = [PilotsApi, StaffPilotPages]
READERS: dict = {}
