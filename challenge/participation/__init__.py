"""Citizen participation (issue 21): residents propose problems, support and discuss them,
follow them into challenges and pilots, and choose a people's prize. Built in parts (problems
and moderation; supports and comments; the path; the people's prize), merged in ``domain``."""
