"""The jury report's ranking table is bounded: a call of thousands of proposals lists the first
REPORT_RANKS ranks and every later entry whose cut-off is not stable (issue 25)."""

from __future__ import annotations

from types import SimpleNamespace

from challenge.results.exports import REPORT_RANKS, shown_in_report


def _entry(rank: int, unstable: bool = False) -> dict:
    return {"result": SimpleNamespace(rank=rank, cutoff_unstable=unstable)}


def test_the_report_lists_the_first_ranks_and_the_unstable_ones():
    entries = [_entry(rank, unstable=rank in (150, 420)) for rank in range(1, 2501)]
    shown = shown_in_report(entries)
    assert [e["result"].rank for e in shown][:3] == [1, 2, 3]
    assert len(shown) == REPORT_RANKS + 1  # 1–200, and 420 whose cut-off is not stable
    assert shown[-1]["result"].rank == 420


def test_a_small_call_is_listed_completely():
    entries = [_entry(rank) for rank in range(1, 41)]
    assert shown_in_report(entries) == entries
