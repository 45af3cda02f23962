"""The jury: jurors per call, conflicts declared before anything is revealed, assignment,
reviews (issue 6; the assignment algorithm is here first)."""
