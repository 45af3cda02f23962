"""Auto-assignment for 2,000 entries x 60 jurors x k = 5 with 300 conflicts (target <= 2 s).

Run: python -m tests.benchmarks.assignment
"""

from __future__ import annotations

import random
import time

from challenge.jury.assignment import Entry, Juror, assign


def main() -> None:
    rng = random.Random(2026)
    categories = ["Hitze", "Wasser", "Stadtgrün", "Mobilität"]
    entries = [Entry(f"e{n:04d}", rng.choice(categories)) for n in range(2000)]
    jurors = [Juror(f"j{n:02d}", frozenset(rng.sample(categories, 2))) for n in range(60)]
    conflicts = set()
    while len(conflicts) < 300:
        conflicts.add((rng.choice(jurors).id, rng.choice(entries).id))
    started = time.perf_counter()
    pairs = assign(entries, jurors, 5, conflicts)
    elapsed = time.perf_counter() - started
    loads = {}
    for juror, _entry in pairs:
        loads[juror] = loads.get(juror, 0) + 1
    assert not set(pairs) & conflicts and len(pairs) == 10_000
    print(
        f"auto-assignment 2000 x 60 x k=5, 300 conflicts: {elapsed * 1000:.0f} ms   target <= 2000 ms; "
        f"loads {min(loads.values())}–{max(loads.values())}"
    )

    # a tight round that the greedy pass cannot finish: the exact max-flow decides
    entries = [Entry(f"t{n:03d}") for n in range(300)]
    jurors = [Juror(f"k{n:02d}") for n in range(10)]
    conflicts = {(j.id, e.id) for i, e in enumerate(entries) for j in jurors[: 5 if i % 2 else 0]}
    started = time.perf_counter()
    pairs = assign(entries, jurors, 3, conflicts)
    elapsed = time.perf_counter() - started
    assert len(pairs) == 900 and not set(pairs) & conflicts
    print(
        f"tight round 300 x 10 x k=3 (half the entries open to 5 jurors only, exact flow): {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
