"""Results: rankings with uncertainty and reliability, decisions, published results (issue 7)."""
