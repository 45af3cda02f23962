"""Submissions: a team's proposal to a call, from draft to a receipted, versioned submission."""
