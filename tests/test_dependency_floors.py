"""pyproject.toml names every distribution the code imports, with floors that hold: `.ci/run`
installs the lowest allowed direct versions (`uv pip install --resolution lowest-direct`) and runs
a subset of the tests on them. Here: the floors that were once too low stay raised, and nothing
the portal or its tests import is missing from the declared dependencies."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Imported directly but installed through a declared requirement that guarantees them.
PROVIDED_BY = {"asyncpg": "piccolo[postgres]", "botocore": "boto3", "markupsafe": "jinja2"}
# Floors below which the code does not work (what needs the version).
FLOORS = {
    "weasyprint": "68",  # URLFetcher (challenge/platform/pdf)
    "boto3": "1.36",  # request/response checksum settings (challenge/platform/storage)
    "pikepdf": "10.3",  # Dictionary.values() (challenge/platform/documents/pdfsafety.py)
    "pytest-asyncio": "0.26",  # asyncio_default_test_loop_scope
    "moto": "5.2.2",  # response-content-disposition of presigned GETs (tests/challenge/platform/storage/test_storage.py)
    "pypdf": "4.1",  # reading the PDF/A metadata (tests/challenge/platform/pdf/test_pdf.py)
}


def requirements(*groups: str) -> dict[str, Requirement]:
    found = {}
    for group in groups:
        lines = (
            PYPROJECT["project"]["dependencies"]
            if group == "main"
            else PYPROJECT["project"]["optional-dependencies"][group]
        )
        for line in lines:
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def undeclared(declared: dict, *folders: str) -> set[str]:
    """Top-level imports of these folders that no declared distribution provides."""
    local = {"challenge", "partnerships", "tests"}
    modules = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    modules -= local | set(sys.stdlib_module_names)
    distributions = importlib.metadata.packages_distributions()
    missing = set()
    for module in modules:
        candidates = (
            [PROVIDED_BY[module]] if module in PROVIDED_BY else distributions.get(module, [module])
        )
        names = {canonicalize_name(c.split("[")[0]) for c in candidates}
        if not names & set(declared) and not any(d.startswith(f"{module}-") for d in declared):
            missing.add(module)
    return missing


def test_floors_that_were_too_low_stay_raised():
    declared = requirements("main", "test")
    for name, floor in FLOORS.items():
        lowest = [
            Version(spec.version) for spec in declared[name].specifier if spec.operator == ">="
        ]
        assert lowest and lowest[0] >= Version(floor), f"{name} needs >= {floor}"


def test_everything_the_portal_imports_is_a_declared_dependency():
    # the optional tracing group is imported only when installed
    missing = undeclared(requirements("main", "tracing"), "challenge", "partnerships")
    assert not missing, f"imported but not in [project.dependencies]: {sorted(missing)}"


def test_everything_the_tests_import_is_declared():
    missing = undeclared(requirements("main", "test", "tracing"), "tests")
    assert not missing, f"imported by tests but not declared: {sorted(missing)}"


def test_the_ci_installs_the_lowest_direct_versions_and_tests_them():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        re.search(r"--resolution lowest-direct", ci) and "pytest" in ci.split("lowest-direct", 1)[1]
    )
