"""Announcements (issue 20, point 4): staff write to a group of a call in both languages; a job
writes one mail per person through the outbox (each person once, enforced by the database) and
a copy into the person's thread."""
