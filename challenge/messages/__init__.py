"""Conversations inside the portal (issue 20): threads on proposals, development workspaces,
partnerships and with one person; information requests; announcements to groups; each person's
notification settings. Jurors never see any of it (blind review)."""
