"""Paging of long lists: the page number a request may ask for, and where a list ends."""

from __future__ import annotations

from math import ceil
from typing import Annotated

from litestar.params import QueryParameter

# ?page=: a number from 1 (anything else is refused with 400)
Page = Annotated[int, QueryParameter(ge=1, le=100_000)]


def page_within(page: int, total: int, per_page: int) -> tuple[int, int]:
    """(page, pages) for a list of ``total`` rows: the page asked for, the last one if it lies
    past the end (the first below 1), and the number of pages (at least one)."""
    pages = max(1, ceil(total / per_page))
    return min(max(page, 1), pages), pages
