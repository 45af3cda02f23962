"""challenge/calls/editing.py: the rules a call must meet (validate), without HTTP."""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from challenge.calls.editing import validate
from challenge.calls.schemas import CallIn, Criterion, DocumentRules, Question

MB = 1024 * 1024
OPENS = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def call(**overrides) -> dict:
    """A consistent call as ``create_call`` hands it to ``validate``."""
    values = msgspec.structs.asdict(
        CallIn(
            slug="wasser-2027",
            title="Smart City Challenge 2027: Wasser",
            summary="Wasser in der Stadt",
            categories=["Starkregen", "Trockenheit"],
            questions=[
                Question(key="problem", label="Welches Problem?", type="long_text", required=True),
                Question(key="licence", label="Lizenz", type="choice", choices=["EUPL-1.2", "MIT"]),
            ],
            criteria=[Criterion(key="impact", name="Nutzen", weight=2, scale_min=0, scale_max=10)],
            document_rules=DocumentRules(
                max_files=3, max_bytes=10 * MB, allowed_types=["application/pdf"]
            ),
            opens_at=OPENS,
            closes_at=OPENS + timedelta(days=60),
            jury_starts_at=OPENS + timedelta(days=61),
            jury_ends_at=OPENS + timedelta(days=90),
            results_at=OPENS + timedelta(days=100),
            budget_cents=150_000_00,
            max_award_cents=50_000_00,
            awards_planned=3,
        )
    )
    values.update(overrides)
    return values


def fields(values: dict, max_upload_bytes: int = 50 * MB) -> list[str]:
    return [error.field for error in validate(values, max_upload_bytes=max_upload_bytes)]


def test_validate_consistent_call_has_no_errors():
    assert validate(call(), max_upload_bytes=50 * MB) == []


def test_validate_later_dates_are_optional():
    assert fields(call(jury_starts_at=None, jury_ends_at=None, results_at=None)) == []


@pytest.mark.parametrize("slug", ["ab", "Wasser", "-wasser", "wasser-", "wa sser", "x" * 81])
def test_validate_slug_bad(slug):
    assert fields(call(slug=slug)) == ["slug"]


@pytest.mark.parametrize("title", ["ab", "  ab  ", "x" * 201])
def test_validate_title_length(title):
    assert "title" in fields(call(title=title))


def test_validate_summary_too_long():
    assert fields(call(summary="x" * 501)) == ["summary"]


def test_validate_deadline_before_opening():
    assert fields(call(closes_at=OPENS - timedelta(seconds=1))) == ["closes_at"]


def test_validate_deadline_equal_to_opening():
    assert fields(call(closes_at=OPENS)) == ["closes_at"]


def test_validate_jury_before_deadline():
    assert fields(call(jury_starts_at=OPENS + timedelta(days=59))) == ["jury_starts_at"]


def test_validate_jury_may_start_at_the_deadline():
    assert fields(call(jury_starts_at=OPENS + timedelta(days=60))) == []


def test_validate_results_before_jury_end():
    assert fields(call(results_at=OPENS + timedelta(days=80))) == ["results_at"]


def test_validate_skipped_date_compares_with_the_one_before():
    values = call(jury_starts_at=None, jury_ends_at=OPENS + timedelta(days=30))
    assert fields(values) == ["jury_ends_at"]


def test_validate_naive_dates_stop_the_date_checks():
    naive = datetime(2027, 1, 1, 9, 0)
    errors = fields(call(opens_at=naive, closes_at=naive - timedelta(days=1), budget_cents=-1))
    assert errors == ["opens_at", "closes_at"]  # order and budget cannot be trusted without zones


def test_validate_negative_budget():
    assert fields(call(budget_cents=-1, max_award_cents=None)) == ["budget_cents"]


def test_validate_zero_budget_without_award_limit():
    assert fields(call(budget_cents=0, max_award_cents=None)) == []


@pytest.mark.parametrize("award", [0, -5, 150_000_01])
def test_validate_max_award_outside_the_budget(award):
    assert fields(call(max_award_cents=award)) == ["max_award_cents"]


def test_validate_max_award_equal_to_the_budget():
    assert fields(call(max_award_cents=150_000_00)) == []


def test_validate_awards_planned_at_least_one():
    assert fields(call(awards_planned=0)) == ["awards_planned"]
    assert fields(call(awards_planned=None)) == []


@pytest.mark.parametrize(
    "categories", [["A", "A"], ["A", " "], [str(i) for i in range(21)], ["A", " A "]]
)
def test_validate_categories_unique_and_not_empty(categories):
    assert fields(call(categories=categories)) == ["categories"]


def test_validate_category_too_long():
    assert fields(call(categories=["x" * 101])) == ["categories"]


def test_validate_question_keys_unique_and_well_formed():
    questions = [
        Question(key="problem", label="A", type="text"),
        Question(key="problem", label="B", type="text"),
        Question(key="Bad Key", label="C", type="text"),
    ]
    assert fields(call(questions=questions)) == ["questions[1].key", "questions[2].key"]


def test_validate_question_needs_a_label():
    assert fields(call(questions=[Question(key="a", label="  ", type="text")])) == [
        "questions[0].label"
    ]


@pytest.mark.parametrize("choices", [None, [], ["Ja"], ["Ja", "Ja"]])
def test_validate_choice_question_needs_two_different_choices(choices):
    question = Question(key="a", label="A", type="choice", choices=choices)
    assert fields(call(questions=[question])) == ["questions[0].choices"]


def test_validate_question_length_limit_positive():
    question = Question(key="a", label="A", type="text", max_length=0)
    assert fields(call(questions=[question])) == ["questions[0].max_length"]


def test_validate_no_questions_is_allowed():
    assert fields(call(questions=[])) == []


def test_validate_rubric_needs_a_criterion():
    assert fields(call(criteria=[])) == ["criteria"]


def test_validate_criteria_rules():
    criteria = [
        Criterion(key="impact", name="Nutzen", weight=1, scale_min=0, scale_max=10),
        Criterion(key="impact", name=" ", weight=0, scale_min=5, scale_max=5),
    ]
    assert fields(call(criteria=criteria)) == [
        "criteria[1].key",
        "criteria[1].name",
        "criteria[1].weight",
        "criteria[1].scale_max",
    ]


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (DocumentRules(max_files=21), "document_rules.max_files"),
        (DocumentRules(max_files=-1), "document_rules.max_files"),
        (DocumentRules(max_bytes=0), "document_rules.max_bytes"),
        (DocumentRules(max_bytes=51 * MB), "document_rules.max_bytes"),
        (DocumentRules(allowed_types=[]), "document_rules.allowed_types"),
        (DocumentRules(allowed_types=["application/zip"]), "document_rules.allowed_types"),
    ],
)
def test_validate_document_rules(rules, field):
    assert fields(call(document_rules=rules)) == [field]


def test_validate_document_rules_no_files_allowed():
    assert fields(call(document_rules=DocumentRules(max_files=0))) == []


def test_validate_reports_every_problem_at_once():
    errors = fields(call(slug="X", budget_cents=-1, max_award_cents=None, criteria=[]))
    assert errors == ["slug", "budget_cents", "criteria"]
