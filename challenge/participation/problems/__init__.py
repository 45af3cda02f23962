"""Residents' problems: proposing, moderation, the public list and page (issue 21, point 1)."""
