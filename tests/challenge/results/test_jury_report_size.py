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


async def test_report_layouts_run_one_at_a_time_per_server_process():
    """A second large report waits for the first's layout process instead of adding ~150 MB."""
    import asyncio
    import multiprocessing

    from challenge.results import pdf_process

    gate = pdf_process._gate()
    await gate.acquire()  # as if another report's layout were running
    waiting = asyncio.create_task(pdf_process.pdf_in_own_process("<p>Bericht</p>"))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not waiting.done() and multiprocessing.active_children() == []
    gate.release()
    pdf = await asyncio.wait_for(waiting, 60)
    assert pdf.startswith(b"%PDF")
