"""Challenges set by city units (DESIGN §4, Unit and challenge): units and their members, the
intake of challenge drafts, their review by staff and their place in a call."""
