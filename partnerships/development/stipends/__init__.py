"""Stipend agreements for the teams selected for the development phase (issue 18, point 1)."""

ROUTERS: list = []
READERS: dict = {}
