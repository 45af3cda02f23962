"""challenge/submissions/rules.py: answers fit the call's questions, the proposal's own fields,
and the deadline to the second — without HTTP."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from challenge.platform.problems import Problem
from challenge.submissions.rules import answer_errors, check_deadline, proposal_errors

QUESTIONS = [
    {"key": "problem", "type": "long_text", "required": True, "max_length": 20, "label": "Problem"},
    {"key": "name", "type": "text", "required": False, "label": "Name"},
    {
        "key": "licence",
        "type": "choice",
        "required": True,
        "choices": ["EUPL-1.2", "MIT"],
        "label": "Lizenz",
    },
    {"key": "people", "type": "number", "required": False, "label": "Personen"},
    {"key": "site", "type": "url", "required": False, "label": "Webseite"},
    {"key": "plan", "type": "file", "required": True, "label": "Plan"},
]
COMPLETE = {"problem": "Starkregen", "licence": "MIT"}


def errors(answers: dict, *, complete: bool = True, questions=QUESTIONS) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in answer_errors(questions, answers, complete=complete)]


def test_answer_errors_complete_answers_pass():
    assert errors(COMPLETE) == []


def test_answer_errors_required_missing_when_complete():
    assert errors({"licence": "MIT"}) == [("answers.problem", "Please answer this question.")]


@pytest.mark.parametrize("empty", [None, "", "   ", "\n"])
def test_answer_errors_blank_counts_as_missing(empty):
    assert errors({**COMPLETE, "problem": empty}) == [
        ("answers.problem", "Please answer this question.")
    ]


def test_answer_errors_draft_may_leave_required_empty():
    assert errors({}, complete=False) == []


def test_answer_errors_draft_still_checks_what_is_given():
    assert errors({"licence": "GPL"}, complete=False) == [
        ("answers.licence", "Choose one of the given answers.")
    ]


def test_answer_errors_optional_may_stay_empty():
    assert errors({**COMPLETE, "name": "", "people": None, "site": "  "}) == []


def test_answer_errors_required_file_question_is_not_an_answer():
    # files are attachments, checked by submit (``documents``), never among the answers
    assert all(field != "answers.plan" for field, _ in errors(COMPLETE))


def test_answer_errors_unknown_key():
    assert errors({**COMPLETE, "budget": "viel"}) == [
        ("answers.budget", "There is no such question.")
    ]


def test_answer_errors_unknown_keys_also_in_drafts():
    assert errors({"x": 1}, complete=False) == [("answers.x", "There is no such question.")]


@pytest.mark.parametrize("key", ["problem", "name", "licence", "site"])
@pytest.mark.parametrize("value", [5, 1.5, True, ["a"], {"a": 1}])
def test_answer_errors_text_questions_need_text(key, value):
    assert errors({**COMPLETE, key: value}) == [(f"answers.{key}", "The answer must be text.")]


def test_answer_errors_length_limit():
    assert errors({**COMPLETE, "problem": "x" * 20}) == []
    assert errors({**COMPLETE, "problem": "x" * 21}) == [
        ("answers.problem", "The answer is too long.")
    ]


def test_answer_errors_long_text_may_have_lines():
    assert errors({**COMPLETE, "problem": "eins\nzwei"}) == []


def test_answer_errors_text_is_a_single_line():
    assert errors({**COMPLETE, "name": "Erika\nMustermann"}) == [
        ("answers.name", "Use a single line.")
    ]


def test_answer_errors_text_length_checked_before_lines():
    questions = [{"key": "name", "type": "text", "max_length": 3, "label": "Name"}]
    assert errors({"name": "ab\ncd"}, questions=questions) == [
        ("answers.name", "The answer is too long.")
    ]


def test_answer_errors_choice_must_be_offered():
    assert errors({**COMPLETE, "licence": "mit"}) == [
        ("answers.licence", "Choose one of the given answers.")
    ]


@pytest.mark.parametrize("number", [0, 3, -1, 2.5])
def test_answer_errors_number_accepts_numbers(number):
    assert errors({**COMPLETE, "people": number}) == []


@pytest.mark.parametrize("value", ["3", True, False, [3]])
def test_answer_errors_number_refuses_text_and_booleans(value):
    assert errors({**COMPLETE, "people": value}) == [("answers.people", "Enter a number.")]


@pytest.mark.parametrize("url", ["https://leipzig.de", "http://example.org/a?b=c"])
def test_answer_errors_url_accepts_web_addresses(url):
    assert errors({**COMPLETE, "site": url}) == []


@pytest.mark.parametrize(
    "url", ["leipzig.de", "ftp://leipzig.de", "javascript:alert(1)", "https://"]
)
def test_answer_errors_url_refuses_other_addresses(url):
    assert errors({**COMPLETE, "site": url}) == [
        ("answers.site", "Enter a web address starting with https://.")
    ]


def test_answer_errors_every_problem_at_once():
    answers = {"licence": "GPL", "people": "drei", "extra": 1}
    assert [field for field, _ in errors(answers)] == [
        "answers.extra",
        "answers.problem",
        "answers.licence",
        "answers.people",
    ]


CALL = {"categories": ["Wasser", "Energie"], "questions": QUESTIONS}
PROPOSAL = {
    "title": "Schwammstadt",
    "summary": "Regen speichern",
    "category": "Wasser",
    "answers": COMPLETE,
}


def test_proposal_errors_complete_proposal_passes():
    assert proposal_errors(CALL, PROPOSAL, complete=True) == []


def test_proposal_errors_complete_needs_title_summary_category():
    data = {**PROPOSAL, "title": " ", "summary": "", "category": ""}
    assert [e.field for e in proposal_errors(CALL, data, complete=True)] == [
        "title",
        "summary",
        "category",
    ]


def test_proposal_errors_draft_may_be_empty():
    data = {"title": "", "summary": "", "category": "", "answers": {}}
    assert proposal_errors(CALL, data, complete=False) == []


def test_proposal_errors_lengths():
    data = {**PROPOSAL, "title": "x" * 201, "summary": "x" * 2001}
    assert [e.field for e in proposal_errors(CALL, data, complete=False)] == ["title", "summary"]
    assert (
        proposal_errors(
            CALL, {**PROPOSAL, "title": "x" * 200, "summary": "x" * 2000}, complete=True
        )
        == []
    )


def test_proposal_errors_category_of_the_call():
    assert [
        e.field for e in proposal_errors(CALL, {**PROPOSAL, "category": "Luft"}, complete=False)
    ] == ["category"]


def test_proposal_errors_call_without_categories():
    call = {"categories": None, "questions": None}
    assert proposal_errors(call, {**PROPOSAL, "category": "", "answers": {}}, complete=True) == []


def test_proposal_errors_include_answer_errors():
    data = {**PROPOSAL, "answers": {}}
    assert [e.field for e in proposal_errors(CALL, data, complete=True)] == [
        "answers.problem",
        "answers.licence",
    ]


OPENS = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2027, 5, 2, 10, 0, tzinfo=UTC)


def test_check_deadline_open_window_passes():
    check_deadline(CLOSES, OPENS, OPENS)
    check_deadline(CLOSES, OPENS, CLOSES - timedelta(seconds=1))


def test_check_deadline_refuses_at_the_deadline_second():
    with pytest.raises(Problem) as refused:
        check_deadline(CLOSES, OPENS, CLOSES)
    assert refused.value.status == 422 and refused.value.code == "deadline_passed"
    assert refused.value.extra == {"closed_at": CLOSES.isoformat()}


def test_check_deadline_refuses_a_microsecond_late():
    with pytest.raises(Problem) as refused:
        check_deadline(CLOSES, OPENS, CLOSES + timedelta(microseconds=1))
    assert refused.value.code == "deadline_passed"


def test_check_deadline_refuses_before_opening():
    with pytest.raises(Problem) as refused:
        check_deadline(CLOSES, OPENS, OPENS - timedelta(seconds=1))
    assert refused.value.status == 422 and refused.value.code == "call_not_open"
    assert refused.value.extra == {"opens_at": OPENS.isoformat()}


def test_check_deadline_compares_across_time_zones():
    berlin = CLOSES.astimezone(ZoneInfo("Europe/Berlin"))  # 12:00 summer time
    check_deadline(berlin, OPENS, CLOSES - timedelta(seconds=1))
    with pytest.raises(Problem):
        check_deadline(berlin, OPENS, CLOSES)
