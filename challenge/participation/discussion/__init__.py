"""Supports and comments on residents' problems (issue 21, point 2)."""
