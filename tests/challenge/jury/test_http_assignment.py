"""Assignment: property-based — conflicts and balance always hold, or the failure is real."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from challenge.jury.assignment import AssignmentImpossible, Entry, Juror, assign


def feasible(entry_ids, juror_ids, k, blocked, existing) -> bool:
    """Exhaustive check for small rounds: is there any balanced, conflict-free completion?"""
    count = {e: sum(1 for _j, en in existing if en == e) for e in entry_ids}
    load = {j: sum(1 for jj, _e in existing if jj == j) for j in juror_ids}
    total = sum(max(k, count[e]) for e in entry_ids)
    low, rest = divmod(total, len(juror_ids))
    high = low + (1 if rest else 0)
    options = []
    for e in entry_ids:
        allowed = [j for j in juror_ids if (j, e) not in blocked and (j, e) not in existing]
        options.append(list(itertools.combinations(allowed, max(0, k - count[e]))))
    for choice in itertools.product(*options):
        loads = dict(load)
        for chosen in choice:
            for j in chosen:
                loads[j] += 1
        if all(low <= value <= high for value in loads.values()):
            return True
    return False


def check(entries, jurors, k, conflicts, existing, result):
    pairs = set(existing) | set(result)
    assert not set(result) & set(existing), "re-runs only fill gaps"
    assert not set(result) & set(conflicts), "never a conflicted pair"
    for entry in entries:
        assert sum(1 for _j, e in pairs if e == entry.id) >= k
    loads = [sum(1 for j, _e in pairs if j == juror.id) for juror in jurors]
    assert max(loads) - min(loads) <= 1, loads


def round_of(n_entries, n_jurors, conflict_bits):
    entries = [Entry(f"e{i}", "Hitze" if i % 2 else "Wasser") for i in range(n_entries)]
    jurors = [
        Juror(f"j{i}", frozenset({"Hitze"}) if i % 2 else frozenset()) for i in range(n_jurors)
    ]
    cells = [(j.id, e.id) for j in jurors for e in entries]
    conflicts = {cell for cell, bit in zip(cells, conflict_bits, strict=False) if bit}
    return entries, jurors, conflicts


SIZES = dict(
    n_entries=st.integers(1, 4),
    n_jurors=st.integers(1, 4),
    k=st.integers(1, 2),
    conflict_bits=st.lists(st.booleans(), min_size=16, max_size=16),
)


@settings(max_examples=400, deadline=None)
@given(**SIZES)
def test_assignment_respects_conflicts_and_balance_or_fails_for_real(
    n_entries, n_jurors, k, conflict_bits
):
    entries, jurors, conflicts = round_of(n_entries, n_jurors, conflict_bits)
    try:
        result = assign(entries, jurors, k, conflicts)
    except AssignmentImpossible as error:
        assert error.entries or error.jurors, "a failure names what is wrong"
        assert not feasible([e.id for e in entries], [j.id for j in jurors], k, conflicts, set())
        return
    check(entries, jurors, k, conflicts, set(), result)


@settings(max_examples=200, deadline=None)
@given(**SIZES, keep_bits=st.lists(st.booleans(), min_size=8, max_size=8))
def test_rerun_after_removals_fills_the_gaps_balanced(
    n_entries, n_jurors, k, conflict_bits, keep_bits
):
    entries, jurors, conflicts = round_of(n_entries, n_jurors, conflict_bits)
    try:
        first = assign(entries, jurors, k, conflicts)
    except AssignmentImpossible:
        return
    kept = {
        pair for pair, keep in zip(first, keep_bits + [True] * len(first), strict=False) if keep
    }
    again = assign(entries, jurors, k, conflicts, kept)
    check(entries, jurors, k, conflicts, kept, again)


def test_assignment_is_deterministic_and_prefers_expertise():
    entries = [Entry(f"e{i}", "Hitze") for i in range(6)]
    jurors = [Juror("expert", frozenset({"Hitze"})), Juror("a"), Juror("b")]
    first = assign(entries, jurors, 1)
    assert first == assign(list(reversed(entries)), list(reversed(jurors)), 1)
    loads = {j.id: sum(1 for jj, _ in first if jj == j.id) for j in jurors}
    assert loads == {"expert": 2, "a": 2, "b": 2}


def test_too_few_unconflicted_jurors_names_the_entries():
    entries = [Entry("e1"), Entry("e2")]
    jurors = [Juror("a"), Juror("b")]
    try:
        assign(entries, jurors, 2, conflicts={("a", "e2")})
    except AssignmentImpossible as error:
        assert error.reason == "too_few_unconflicted_jurors" and error.entries == ["e2"]
    else:
        raise AssertionError("must fail")


def test_rerun_only_fills_gaps():
    entries = [Entry(f"e{i}") for i in range(4)]
    jurors = [Juror(f"j{i}") for i in range(4)]
    first = assign(entries, jurors, 2)
    assert assign(entries, jurors, 2, existing=first) == []
    partial = first[:5]
    refill = assign(entries, jurors, 2, existing=partial)
    assert len(partial) + len(refill) == 8 and not set(partial) & set(refill)
