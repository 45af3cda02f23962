"""The assignment algorithm (pure: no database): every entry gets k jurors, never a conflicted
pair, loads balanced. ``assignment_service`` runs it for a round.

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
    challenge: Id | None = None  # None: a call without challenges


@dataclass(frozen=True)
class Juror:
    id: Id
    expertise: frozenset[str] = field(default_factory=frozenset)
    challenges: frozenset = field(default_factory=frozenset)  # empty: the whole call


class AssignmentImpossible(Exception):
    """The constraints cannot be met; ``entries`` or ``jurors`` say where."""

    def __init__(
        self, reason: str, entries: list[Id] | None = None, jurors: list[Id] | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.entries = entries or []
        self.jurors = jurors or []
        self.challenge: Id | None = None  # set by assign_per_challenge


def assign_per_challenge(
    entries: Iterable[Entry],
    jurors: Iterable[Juror],
    k: int,
    conflicts: Iterable[tuple[Id, Id]] = (),
    existing: Iterable[tuple[Id, Id]] = (),
) -> list[tuple[Id, Id]]:
    """As ``assign``, but a juror only gets entries of their challenges. When no juror is
    limited to challenges (always on a call without them) it is one ``assign`` over all, as
    before; otherwise one per challenge with that challenge's jurors (those of the challenge and
    those of the whole call), balanced within each challenge."""
    entries, jurors = list(entries), list(jurors)
    if not any(j.challenges for j in jurors):
        return assign(entries, jurors, k, conflicts, existing)
    conflicts, existing = set(conflicts), set(existing)
    groups: dict[Id | None, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.challenge, []).append(entry)
    result: list[tuple[Id, Id]] = []
    for challenge in sorted(groups, key=str):
        pool = [j for j in jurors if not j.challenges or challenge in j.challenges]
        try:
            result += assign(groups[challenge], pool, k, conflicts, existing)
        except AssignmentImpossible as error:
            error.challenge = challenge
            raise
    return result


def assign(
    entries: Iterable[Entry],
    jurors: Iterable[Juror],
    k: int,
    conflicts: Iterable[tuple[Id, Id]] = (),
    existing: Iterable[tuple[Id, Id]] = (),
) -> list[tuple[Id, Id]]:
    """New (juror, entry) pairs so that every entry has k jurors in total, balanced."""
    problem = _Problem(
        entries=sorted(entries, key=lambda e: str(e.id)),
        jurors=sorted(jurors, key=lambda j: str(j.id)),
        k=k,
        blocked=set(conflicts),
        have={(j, e) for j, e in existing},
    )
    if k < 1 or not problem.entries:
        return []
    _check_reachable(problem)
    load, count = _current(problem)
    low, high = _bounds(problem, count)
    result = _greedy(problem, dict(load), dict(count), high)
    if result is not None and _balanced(load, result):
        return result
    return _exact(problem, load, count, low, high)


@dataclass
class _Problem:
    """One assignment run: sorted entries and jurors, k, conflicted and existing pairs."""

    entries: list[Entry]
    jurors: list[Juror]
    k: int
    blocked: set[tuple[Id, Id]]
    have: set[tuple[Id, Id]]

    def open(self, juror_id: Id, entry_id: Id) -> bool:
        """The pair may be added: not conflicted and not assigned already."""
        return (juror_id, entry_id) not in self.blocked and (juror_id, entry_id) not in self.have

    def reachable(self, entry_id: Id) -> int:
        """Jurors who can count for the entry: unconflicted, or assigned to it already."""
        return sum(
            1
            for j in self.jurors
            if (j.id, entry_id) not in self.blocked or (j.id, entry_id) in self.have
        )


def _check_reachable(problem: _Problem) -> None:
    """Fail early, naming the entries, when some entry cannot reach k jurors at all."""
    if problem.k > len(problem.jurors):
        raise AssignmentImpossible("too_few_jurors", entries=[e.id for e in problem.entries])
    short = [e.id for e in problem.entries if problem.reachable(e.id) < problem.k]
    if short:
        raise AssignmentImpossible("too_few_unconflicted_jurors", entries=short)


def _current(problem: _Problem) -> tuple[dict[Id, int], dict[Id, int]]:
    """Each juror's load and each entry's juror count from the existing pairs of this round."""
    load = {j.id: 0 for j in problem.jurors}
    count = {e.id: 0 for e in problem.entries}
    for j, e in problem.have:
        if j in load and e in count:
            load[j] += 1
            count[e] += 1
    return load, count


def _bounds(problem: _Problem, count: dict[Id, int]) -> tuple[int, int]:
    """The lowest and highest load a balanced result gives each juror."""
    total = sum(max(problem.k, count[e.id]) for e in problem.entries)
    low, rest = divmod(total, len(problem.jurors))
    return low, low + (1 if rest else 0)


def _balanced(load: dict[Id, int], pairs: list[tuple[Id, Id]]) -> bool:
    """Loads after adding ``pairs`` differ by at most one."""
    loads = dict(load)
    for j, _e in pairs:
        loads[j] += 1
    return max(loads.values()) - min(loads.values()) <= 1


def _greedy(problem: _Problem, load: dict[Id, int], count: dict[Id, int], high: int):
    """Fill each entry with the least-loaded allowed jurors (expertise first on ties)."""
    result = []
    for entry in problem.entries:
        need = problem.k - count[entry.id]
        if need <= 0:
            continue
        candidates = [
            j for j in problem.jurors if problem.open(j.id, entry.id) and load[j.id] < high
        ]
        candidates.sort(key=lambda j: (load[j.id], entry.category not in j.expertise, str(j.id)))
        if len(candidates) < need:
            return None
        for juror in candidates[:need]:
            result.append((juror.id, entry.id))
            load[juror.id] += 1
    return result


def _exact(problem: _Problem, load: dict[Id, int], count: dict[Id, int], low: int, high: int):
    """Max-flow with bounds: first every juror up to ``low``, then up to ``high``."""
    flow = _Flow(problem, load, count, low)
    flow.graph.max_flow(flow.source, flow.sink)
    under = [j.id for j in problem.jurors if flow.into_sink(j.id) + load[j.id] < low]
    for juror in problem.jurors:  # phase two: allow up to high; loads never go down
        flow.graph.raise_capacity(flow.sink_edges[juror.id], max(0, high - load[juror.id]))
    flow.graph.max_flow(flow.source, flow.sink)
    got = dict(count)
    for (_juror, entry_id), edge in flow.pair_edges.items():
        got[entry_id] += flow.graph.flow(edge)
    missing = [e.id for e in problem.entries if got[e.id] < problem.k]
    if missing:
        # every entry has k unconflicted jurors (checked first): the balance is what fails
        raise AssignmentImpossible("cannot_balance", entries=missing)
    if under:
        raise AssignmentImpossible("cannot_balance", jurors=under)
    return [pair for pair, edge in flow.pair_edges.items() if flow.graph.flow(edge)]


class _Flow:
    """The network: source → entry (what it still needs) → juror (open pairs) → sink (up to ``low``)."""

    def __init__(
        self, problem: _Problem, load: dict[Id, int], count: dict[Id, int], low: int
    ) -> None:
        entry_index = {e.id: i for i, e in enumerate(problem.entries)}
        n_entries = len(problem.entries)
        juror_node = {j.id: n_entries + i for i, j in enumerate(problem.jurors)}
        self.source, self.sink = (
            n_entries + len(problem.jurors),
            n_entries + len(problem.jurors) + 1,
        )
        self.graph = _Graph(self.sink + 1)
        for entry in problem.entries:
            self.graph.add(self.source, entry_index[entry.id], max(0, problem.k - count[entry.id]))
        self.pair_edges: dict[tuple[Id, Id], int] = {}
        for entry in problem.entries:
            # expertise first: augmenting paths try these edges before the others
            for juror in sorted(
                problem.jurors, key=lambda j: (entry.category not in j.expertise, str(j.id))
            ):
                if problem.open(juror.id, entry.id):
                    edge = self.graph.add(entry_index[entry.id], juror_node[juror.id], 1)
                    self.pair_edges[(juror.id, entry.id)] = edge
        self.sink_edges = {
            j.id: self.graph.add(juror_node[j.id], self.sink, max(0, low - load[j.id]))
            for j in problem.jurors
        }

    def into_sink(self, juror_id: Id) -> int:
        return self.graph.flow(self.sink_edges[juror_id])


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
