"""Assigning reviews: every entry gets k jurors, never a conflicted pair, loads balanced.

Balanced means: among the round's eligible jurors, assigned counts (including assignments
that already exist) differ by at most one. The result is deterministic for the same input,
prefers jurors who named the entry's category as expertise, and a re-run only fills gaps.

A fast greedy pass solves the usual case; when it cannot, an exact max-flow with lower and
upper bounds per juror decides — so a failure always means the constraints cannot be met,
and the error names the entries (or jurors) that make it so.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

Id = Hashable


@dataclass(frozen=True)
class Entry:
    id: Id
    category: str = ""


@dataclass(frozen=True)
class Juror:
    id: Id
    expertise: frozenset[str] = field(default_factory=frozenset)


class AssignmentImpossible(Exception):
    """The constraints cannot be met; ``entries`` or ``jurors`` say where."""

    def __init__(self, reason: str, entries: list[Id] | None = None, jurors: list[Id] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.entries = entries or []
        self.jurors = jurors or []


def assign(
    entries: Iterable[Entry],
    jurors: Iterable[Juror],
    k: int,
    conflicts: Iterable[tuple[Id, Id]] = (),
    existing: Iterable[tuple[Id, Id]] = (),
) -> list[tuple[Id, Id]]:
    """New (juror, entry) pairs so that every entry has k jurors in total, balanced."""
    entries = sorted(entries, key=lambda e: str(e.id))
    jurors = sorted(jurors, key=lambda j: str(j.id))
    blocked = set(conflicts)
    have = {(j, e) for j, e in existing}
    juror_ids = [j.id for j in jurors]
    if k < 1 or not entries:
        return []
    if k > len(jurors):
        raise AssignmentImpossible("too_few_jurors", entries=[e.id for e in entries])

    # Entries that cannot reach k at all: too few unconflicted jurors.
    short = [e.id for e in entries
             if sum(1 for j in juror_ids if (j, e.id) not in blocked or (j, e.id) in have) < k]
    if short:
        raise AssignmentImpossible("too_few_unconflicted_jurors", entries=short)

    load = {j: 0 for j in juror_ids}
    count = {e.id: 0 for e in entries}
    for j, e in have:
        if j in load and e in count:
            load[j] += 1
            count[e] += 1
    total = sum(max(k, count[e.id]) for e in entries)
    low, high = divmod(total, len(jurors))
    high = low + (1 if high else 0)

    result = _greedy(entries, jurors, k, blocked, have, dict(load), dict(count), high)
    if result is not None:
        loads = dict(load)
        for j, _e in result:
            loads[j] += 1
        if max(loads.values()) - min(loads.values()) <= 1:
            return result
    return _exact(entries, jurors, k, blocked, have, load, count, low, high)


def _greedy(entries, jurors, k, blocked, have, load, count, high):
    """Fill each entry with the least-loaded allowed jurors (expertise first on ties)."""
    result = []
    for entry in entries:
        need = k - count[entry.id]
        if need <= 0:
            continue
        candidates = [
            j for j in jurors
            if (j.id, entry.id) not in blocked and (j.id, entry.id) not in have and load[j.id] < high
        ]
        candidates.sort(key=lambda j: (load[j.id], entry.category not in j.expertise, str(j.id)))
        if len(candidates) < need:
            return None
        for juror in candidates[:need]:
            result.append((juror.id, entry.id))
            load[juror.id] += 1
    return result


def _exact(entries, jurors, k, blocked, have, load, count, low, high):
    """Max-flow with bounds: first every juror up to ``low``, then up to ``high``."""
    entry_index = {e.id: i for i, e in enumerate(entries)}
    juror_index = {j.id: i for i, j in enumerate(jurors)}
    n_entries, n_jurors = len(entries), len(jurors)
    source, sink = n_entries + n_jurors, n_entries + n_jurors + 1
    graph = _Graph(n_entries + n_jurors + 2)
    for entry in entries:
        graph.add(source, entry_index[entry.id], max(0, k - count[entry.id]))
    pair_edges = {}
    for entry in entries:
        # expertise first: augmenting paths try these edges before the others
        for juror in sorted(jurors, key=lambda j: (entry.category not in j.expertise, str(j.id))):
            if (juror.id, entry.id) in blocked or (juror.id, entry.id) in have:
                continue
            pair_edges[(juror.id, entry.id)] = graph.add(entry_index[entry.id], n_entries + juror_index[juror.id], 1)
    sink_edges = {j.id: graph.add(n_entries + juror_index[j.id], sink, max(0, low - load[j.id])) for j in jurors}
    graph.max_flow(source, sink)
    under = [j.id for j in jurors if graph.flow(sink_edges[j.id]) + load[j.id] < low]
    for juror in jurors:  # phase two: allow up to high; loads never go down
        graph.raise_capacity(sink_edges[juror.id], max(0, high - load[juror.id]))
    graph.max_flow(source, sink)
    got = dict(count)
    for (_juror, entry_id), edge in pair_edges.items():
        got[entry_id] += graph.flow(edge)
    missing = [e.id for e in entries if got[e.id] < k]
    if missing:
        # every entry has k unconflicted jurors (checked first): the balance is what fails
        raise AssignmentImpossible("cannot_balance", entries=missing)
    if under:
        raise AssignmentImpossible("cannot_balance", jurors=under)
    return [pair for pair, edge in pair_edges.items() if graph.flow(edge)]


class _Graph:
    """Dinic's max-flow on integer capacities."""

    def __init__(self, size: int) -> None:
        self.adjacency: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.original: list[int] = []

    def add(self, a: int, b: int, capacity: int) -> int:
        self.adjacency[a].append(len(self.to))
        self.to.append(b)
        self.capacity.append(capacity)
        self.original.append(capacity)
        self.adjacency[b].append(len(self.to))
        self.to.append(a)
        self.capacity.append(0)
        self.original.append(0)
        return len(self.to) - 2

    def flow(self, edge: int) -> int:
        return self.capacity[edge ^ 1]

    def raise_capacity(self, edge: int, capacity: int) -> None:
        self.capacity[edge] += capacity - self.original[edge]
        self.original[edge] = capacity

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            level = [-1] * len(self.adjacency)
            level[source] = 0
            queue = deque([source])
            while queue:
                node = queue.popleft()
                for edge in self.adjacency[node]:
                    if self.capacity[edge] > 0 and level[self.to[edge]] < 0:
                        level[self.to[edge]] = level[node] + 1
                        queue.append(self.to[edge])
            if level[sink] < 0:
                return total
            pointer = [0] * len(self.adjacency)
            while pushed := self._push(source, sink, 1 << 30, level, pointer):
                total += pushed

    def _push(self, node: int, sink: int, limit: int, level: list[int], pointer: list[int]) -> int:
        # Iterative DFS along the level graph (recursion would be too deep for big rounds).
        path: list[int] = []
        while True:
            if node == sink:
                amount = min(self.capacity[e] for e in path) if path else limit
                for e in path:
                    self.capacity[e] -= amount
                    self.capacity[e ^ 1] += amount
                return amount
            edges = self.adjacency[node]
            while pointer[node] < len(edges):
                edge = edges[pointer[node]]
                nxt = self.to[edge]
                if self.capacity[edge] > 0 and level[nxt] == level[node] + 1:
                    break
                pointer[node] += 1
            else:
                if not path:
                    return 0
                level[node] = -1  # dead end: never try it again in this phase
                edge = path.pop()
                node = self.to[edge ^ 1]
                pointer[node] += 1
                continue
            path.append(edges[pointer[node]])
            node = self.to[edges[pointer[node]]]
