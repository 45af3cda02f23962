"""The pilot decision per challenge, the pilot contract from the offer, the open-source bonus."""

ROUTERS: list = []
READERS: dict = {}
