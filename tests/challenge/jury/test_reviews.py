"""Score rules of a review (challenge/jury/reviews.py): whole numbers on each criterion's scale,
every criterion before finalising, and a rubric fingerprint that ignores key order."""

from challenge.jury.reviews import rubric_version, score_errors

CRITERIA = [
    {"key": "impact", "scale_min": 1, "scale_max": 5},
    {"key": "team", "scale_min": 0, "scale_max": 10},
]


def fields(errors) -> list[str]:
    return [e.field for e in errors]


def test_score_errors_a_draft_may_leave_criteria_out():
    assert score_errors(CRITERIA, {"impact": 3}, final=False) == []


def test_score_errors_final_needs_every_criterion():
    assert fields(score_errors(CRITERIA, {"impact": 3}, final=True)) == ["scores.team"]


def test_score_errors_values_off_the_scale_are_refused():
    assert fields(score_errors(CRITERIA, {"impact": 0, "team": 11}, final=False)) == [
        "scores.impact",
        "scores.team",
    ]


def test_score_errors_the_scale_ends_are_allowed():
    assert score_errors(CRITERIA, {"impact": 5, "team": 0}, final=True) == []


def test_score_errors_only_whole_numbers_count():
    scores = {"impact": 2.5, "team": True}
    assert fields(score_errors(CRITERIA, scores, final=False)) == ["scores.impact", "scores.team"]
    assert fields(score_errors(CRITERIA, {"impact": "3"}, final=False)) == ["scores.impact"]


def test_score_errors_unknown_criteria_are_refused():
    assert fields(score_errors(CRITERIA, {"budget": 3}, final=False)) == ["scores.budget"]


def test_rubric_version_ignores_key_order_and_changes_with_the_rubric():
    reordered = [{"scale_max": 5, "scale_min": 1, "key": "impact"}, CRITERIA[1]]
    assert rubric_version(reordered) == rubric_version(CRITERIA)
    assert rubric_version(CRITERIA[:1]) != rubric_version(CRITERIA)
