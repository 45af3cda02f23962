"""Contracts: the partnership from an awarded entry, its milestone plan, sending, the signed copy,
amendments, termination, the contract PDFs and the conflict suggestion for jurors."""
