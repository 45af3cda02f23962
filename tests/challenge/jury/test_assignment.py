"""The assignment algorithm (challenge/jury/assignment.py) as pure rules: k jurors per entry,
never a conflicted pair, balanced loads, determinism, expertise first, re-runs fill gaps, and
failures that name what makes the round impossible."""

from collections import Counter

import pytest

from challenge.jury.assignment import AssignmentImpossible, Entry, Juror, assign


def entries(n: int, category: str = "") -> list[Entry]:
    return [Entry(f"e{i}", category) for i in range(n)]


def jurors(n: int) -> list[Juror]:
    return [Juror(f"j{i}") for i in range(n)]


def loads(pairs, people) -> dict:
    counted = Counter(j for j, _e in pairs)
    return {p.id: counted[p.id] for p in people}


def per_entry(pairs) -> Counter:
    return Counter(e for _j, e in pairs)


def test_assign_every_entry_gets_k_distinct_jurors():
    result = assign(entries(7), jurors(5), 3)
    assert len(result) == len(set(result)) == 21
    assert set(per_entry(result).values()) == {3}


def test_assign_loads_differ_by_at_most_one():
    people = jurors(4)
    result = assign(entries(7), people, 2)  # 14 reviews over 4 jurors: 3 or 4 each
    assert sorted(loads(result, people).values()) == [3, 3, 4, 4]


def test_assign_never_pairs_a_conflicted_juror_with_the_entry():
    conflicts = {("j0", "e0"), ("j1", "e0"), ("j2", "e3")}
    result = assign(entries(4), jurors(4), 2, conflicts)
    assert not set(result) & conflicts
    assert set(per_entry(result).values()) == {2}


def test_assign_is_deterministic_whatever_the_input_order():
    first = assign(entries(9), jurors(4), 2, {("j1", "e2")})
    again = assign(list(reversed(entries(9))), list(reversed(jurors(4))), 2, {("j1", "e2")})
    assert first == again


def test_assign_prefers_jurors_with_the_entry_category_as_expertise_on_equal_load():
    people = [Juror("a"), Juror("b", frozenset({"Wasser"})), Juror("c")]
    assert assign([Entry("e", "Wasser")], people, 1) == [("b", "e")]


def test_assign_with_k_below_one_or_without_entries_assigns_nothing():
    assert assign(entries(3), jurors(2), 0) == []
    assert assign([], jurors(2), 2) == []


def test_assign_with_more_reviews_than_jurors_fails_for_every_entry():
    with pytest.raises(AssignmentImpossible) as raised:
        assign(entries(2), jurors(2), 3)
    assert raised.value.reason == "too_few_jurors" and raised.value.entries == ["e0", "e1"]


def test_assign_names_the_entries_without_enough_unconflicted_jurors():
    with pytest.raises(AssignmentImpossible) as raised:
        assign(entries(3), jurors(2), 2, {("j0", "e1")})
    assert raised.value.reason == "too_few_unconflicted_jurors" and raised.value.entries == ["e1"]


def test_assign_an_existing_pair_counts_even_when_conflicted_later():
    # j0 was assigned to e0 before the conflict: the entry still reaches k
    result = assign(entries(1), jurors(2), 2, conflicts={("j0", "e0")}, existing={("j0", "e0")})
    assert result == [("j1", "e0")]


def test_assign_rerun_only_fills_the_gaps():
    people = jurors(3)
    first = assign(entries(6), people, 2)
    kept = first[:-3]
    refill = assign(entries(6), people, 2, existing=kept)
    assert not set(refill) & set(kept) and len(kept) + len(refill) == 12
    combined = [*kept, *refill]
    assert set(per_entry(combined).values()) == {2}
    assert max(loads(combined, people).values()) - min(loads(combined, people).values()) <= 1
    assert assign(entries(6), people, 2, existing=combined) == []


def test_assign_cannot_balance_when_the_only_open_juror_would_carry_too_much():
    # j1 is conflicted with both entries: j0 alone would need two reviews, one more than j1
    with pytest.raises(AssignmentImpossible) as raised:
        assign(entries(2), jurors(2), 1, {("j1", "e0"), ("j1", "e1")})
    assert raised.value.reason == "cannot_balance" and raised.value.entries


def test_assign_names_the_underloaded_juror_when_existing_pairs_leave_nothing_to_balance():
    with pytest.raises(AssignmentImpossible) as raised:
        assign(entries(2), jurors(2), 1, existing={("j0", "e0"), ("j0", "e1")})
    assert raised.value.reason == "cannot_balance" and raised.value.jurors == ["j1"]


def test_assign_the_exact_pass_balances_when_greedy_would_not():
    # half the entries are open to five of ten jurors only: the flow still balances the loads
    items = entries(30)
    people = jurors(10)
    conflicts = {(j.id, e.id) for i, e in enumerate(items) if i % 2 for j in people[:5]}
    result = assign(items, people, 3, conflicts)
    assert not set(result) & conflicts and set(per_entry(result).values()) == {3}
    assert max(loads(result, people).values()) - min(loads(result, people).values()) <= 1
