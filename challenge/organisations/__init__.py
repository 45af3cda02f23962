"""Organisations and teams: who applies, and who may edit a team's proposals."""
