"""Every audit action the portal writes has words (challenge.platform.audit.labels), and so has
every detail key it writes: the codes are found in the source, wherever `record(...)` is called.

A literal code is taken as it is; a code in a variable is followed to the literals its function
is called with; an f-string's variable part is expanded from the rule that bounds it (listed in
EXPANSIONS below — a new f-string code fails until it is listed there too).
"""

import ast
from functools import cache
from pathlib import Path

from challenge.challenges.rules import DECISIONS
from challenge.participation.problems.moderation import TO_STATE
from challenge.platform.audit.labels import ACTIONS, DETAILS, OBJECT_TYPES
from partnerships.contracts.rules import TRANSITIONS

ROOT = Path(__file__).resolve().parents[4]
# f-string prefix -> the values its variable part can take (from the rules that check them)
EXPANSIONS = {
    "challenge.": {"created", "submitted", "attached", "withdrawn", "comment", *DECISIONS},
    "milestone.": {"approve", "request_changes"},  # partnerships.milestones.services.review
    "partnership.": {target for targets in TRANSITIONS.values() for target in targets},
    "problem.": set(TO_STATE.values()),  # participation.problems.moderation.moderate
}


@cache
def _sources() -> tuple:
    return tuple(
        (path, ast.parse(path.read_text(), filename=str(path)))
        for package in ("challenge", "partnerships")
        for path in sorted((ROOT / package).rglob("*.py"))
    )


def _record_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "record":
                yield node


def _enclosing_function(tree, call):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            child is call for child in ast.walk(node)
        ):
            return node
    return None


def _literals_passed(tree, function, parameter: str) -> set[str]:
    """The string literals `function` is called with for `parameter` in its module."""
    names = [a.arg for a in function.args.args]
    index = names.index(parameter) if parameter in names else None  # None: keyword-only
    found = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == function.name):
            continue
        values = [k.value for k in node.keywords if k.arg == parameter]
        if index is not None:
            values += node.args[index : index + 1]
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(value.value)
    return found


def _codes(tree, call, where: str) -> set[str]:
    node = call.args[0]
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return {node.body.value, node.orelse.value}
    if isinstance(node, ast.Name):
        return _literals_passed(tree, _enclosing_function(tree, call), node.id)
    if isinstance(node, ast.JoinedStr):
        prefix = node.values[0].value
        assert prefix in EXPANSIONS, f"{where}: list the values of f'{prefix}{{…}}' in EXPANSIONS"
        return {prefix + value for value in EXPANSIONS[prefix]}
    raise AssertionError(f"{where}: cannot tell which audit code {ast.unparse(node)} is")


@cache
def written_codes() -> dict[str, str]:
    """Every action code written anywhere -> where."""
    codes = {}
    for path, tree in _sources():
        for call in _record_calls(tree):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            for code in _codes(tree, call, where):
                codes.setdefault(code, where)
    return codes


def written_detail_keys() -> dict[str, str]:
    """Every literal key of a payload written anywhere (nested ones too) -> where."""
    keys = {}
    for path, tree in _sources():
        for call in _record_calls(tree):
            for keyword in call.keywords:
                if keyword.arg != "payload":
                    continue
                for node in ast.walk(keyword.value):
                    if isinstance(node, ast.Dict):
                        for key in node.keys:
                            if isinstance(key, ast.Constant):
                                keys.setdefault(
                                    key.value, f"{path.relative_to(ROOT)}:{call.lineno}"
                                )
    return keys


def test_every_written_action_code_has_words():
    codes = written_codes()
    assert len(codes) > 80  # the scan finds the portal's calls, not nothing
    assert {"auth.login", "milestone.approve", "partnership.signed", "pitch.rescheduled"} <= set(
        codes
    )
    assert "account.password_changed" in codes  # followed through the function's parameter
    missing = {code: where for code, where in codes.items() if code not in ACTIONS}
    assert not missing, f"audit codes without words in labels.ACTIONS: {missing}"


def test_no_words_for_codes_nobody_writes():
    stale = set(ACTIONS) - set(written_codes())
    assert not stale, f"labels.ACTIONS lists codes the portal does not write: {sorted(stale)}"


def test_every_written_detail_key_and_object_type_has_words():
    missing = {key: where for key, where in written_detail_keys().items() if key not in DETAILS}
    assert not missing, f"payload keys without words in labels.DETAILS: {missing}"
    object_types = set()
    for _path, tree in _sources():
        for call in _record_calls(tree):
            for keyword in call.keywords:
                if keyword.arg == "object_type" and isinstance(keyword.value, ast.Constant):
                    object_types.add(keyword.value.value)
    assert object_types and not object_types - set(OBJECT_TYPES), object_types - set(OBJECT_TYPES)
