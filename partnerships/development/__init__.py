"""The development phase after the idea round (issue 18): stipend agreements, the workspace per
selected team (checklist, meetings, files), the offer, the pitch day and the pilot decision."""
