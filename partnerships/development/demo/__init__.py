"""Demo data of the development phase (issue 18): last year's call complete through its pilots,
this year's spring call in the development phase (idempotent)."""
