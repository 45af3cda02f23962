"""Participation's open data (issue 21, point 6): published problems and the people's prize."""
