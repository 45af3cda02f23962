"""Stipend agreements for the teams selected for the development phase (issue 18, point 1):
selecting a team prepares a draft agreement; sending, countersigning, approval and payment are
the partnership contract's steps."""

from partnerships.development.stipends.services import on_decision

ROUTERS: list = []
READERS: dict = {}
DECISION_HOOKS = [on_decision]
