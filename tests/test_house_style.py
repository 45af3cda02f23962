"""House rules that a reviewer would otherwise check by hand (issue 24).

- no module over 400 lines, no function over cyclomatic complexity 15 (radon's measure:
  boolean operators and comprehensions count), outside generated migrations;
- every public function of a service or policy module has a docstring;
- shared rules live once: the clock, reference numbers, row locks and the staff check;
- ruff's lint rules pass and ruff's formatter has nothing to change.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
MAX_COMPLEXITY = 15


def source_files() -> list[Path]:
    return [
        path
        for package in ("challenge", "partnerships")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "piccolo_migrations" not in path.parts
    ]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_is_over_400_lines():
    long = {rel(p): n for p in source_files() if (n := p.read_text().count("\n")) > MAX_LINES}
    assert long == {}


def functions(blocks):
    """Every function radon found: top level, methods and closures."""
    for block in blocks:
        if hasattr(block, "methods"):
            yield from functions(block.methods)
            yield from functions(getattr(block, "inner_classes", []))
        else:
            yield block
            yield from functions(block.closures)


def test_no_function_is_over_complexity_15():
    complex_ = {
        f"{rel(path)}:{function.lineno} {function.fullname}": function.complexity
        for path in source_files()
        for function in functions(cc_visit(path.read_text()))
        if function.complexity > MAX_COMPLEXITY
    }
    assert complex_ == {}


def service_modules() -> list[Path]:
    """Modules that hold rules: services and policies, as files or as packages."""
    return [
        path
        for path in source_files()
        if path.stem in ("services", "policies", "rules") or path.parent.name == "services"
    ]


def test_public_service_functions_have_docstrings():
    missing = [
        f"{rel(path)}:{node.lineno} {node.name}"
        for path in service_modules()
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
    ]
    assert missing == []


# (pattern, the one module allowed to hold it, what it is)
WRITTEN_ONCE = [
    (
        r"datetime\.now\(|datetime\.utcnow\(|date\.today\(",
        "challenge/platform/clock.py",
        "the clock",
    ),
    (r"""f["']SCC-""", "challenge/platform/references.py", "reference numbers"),
    (r"FOR UPDATE\"|FOR UPDATE\b(?! SKIP)", "challenge/db.py", "the row lock (lock_row)"),
    (
        r"def is_staff\b|def is_finance\b",
        "challenge/platform/accounts/policies.py",
        "the staff check",
    ),
]


@pytest.mark.parametrize(
    ("pattern", "home", "what"), WRITTEN_ONCE, ids=[w[2] for w in WRITTEN_ONCE]
)
def test_shared_rules_are_written_once(pattern, home, what):
    places = [
        f"{rel(path)}:{number}"
        for path in source_files()
        if rel(path) != home
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(pattern, line) and not line.lstrip().startswith("#")
    ]
    assert places == [], f"{what} belongs in {home} only"


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_finds_nothing():
    """Lint rules of pyproject.toml, C901 (complexity 15) among them."""
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_by_ruff():
    result = ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr
