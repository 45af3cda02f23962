"""From problem to pilot, traceable (issue 21, point 3), and participation's open data."""
