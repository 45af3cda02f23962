"""The people's prize (Publikumspreis) per call (issue 21, point 4)."""
