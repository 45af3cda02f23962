"""House-style figures for the code (issue 24's before/after numbers).

Prints: modules over 400 lines, functions over 60 lines, the highest cyclomatic complexity
(McCabe, as ruff's C901 counts it), SQL calls made by controllers (api/pages modules) and
imports inside functions. Migrations are left out; they are generated and frozen.

    python scripts/code_metrics.py [--list]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("challenge", "partnerships")
CONTROLLER_NAMES = ("api.py", "pages.py", "staff_pages.py", "public.py")
QUERY_METHODS = {"select", "objects", "insert", "update", "delete", "raw", "count", "exists"}


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "piccolo_migrations" not in path.parts:
                yield path


def complexity(node: ast.AST) -> int:
    """McCabe complexity of one function: 1 + decision points (nested functions excluded)."""
    score = 1
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(child, ast.If | ast.For | ast.AsyncFor | ast.While | ast.IfExp):
            score += 1
        elif isinstance(child, ast.ExceptHandler):
            score += 1
        elif isinstance(child, ast.With | ast.AsyncWith):
            pass
        elif isinstance(child, ast.BoolOp):
            score += len(child.values) - 1
        elif isinstance(child, ast.comprehension):
            score += 1 + len(child.ifs)
        elif isinstance(child, ast.match_case):
            score += 1
        elif isinstance(child, ast.Assert):
            score += 1
        stack.extend(ast.iter_child_nodes(child))
    return score


def table_names(tree: ast.Module) -> set[str]:
    """Names a module imports from a `tables` module (its Piccolo tables)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("tables"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def main(argv: list[str]) -> int:
    show = "--list" in argv
    long_modules, long_functions, complex_functions, sql_calls = [], [], [], []
    local_imports: set[str] = set()
    worst = (0, "")
    for path in modules():
        rel = path.relative_to(ROOT)
        text = path.read_text()
        lines = text.count("\n")
        if lines > 400:
            long_modules.append((lines, str(rel)))
        tree = ast.parse(text)
        tables = table_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                where = f"{rel}:{node.lineno} {node.name}"
                if length > 60:
                    long_functions.append((length, where))
                score = complexity(node)
                if score > 15:
                    complex_functions.append((score, where))
                worst = max(worst, (score, where))
                for inner in ast.walk(node):
                    if inner is not node and isinstance(inner, ast.Import | ast.ImportFrom):
                        local_imports.add(f"{rel}:{inner.lineno}")
            if (
                path.name in CONTROLLER_NAMES
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in tables
            ):
                sql_calls.append(f"{rel}:{node.lineno} {node.func.value.id}.{node.func.attr}")
    print(f"modules over 400 lines: {len(long_modules)}")
    print(f"functions over 60 lines: {len(long_functions)}")
    print(
        f"functions over complexity 15: {len(complex_functions)}; highest {worst[0]} ({worst[1]})"
    )
    print(f"controller SQL calls: {len(sql_calls)}")
    print(f"imports inside functions: {len(local_imports)}")
    if show:
        for title, rows in (
            ("long modules", long_modules),
            ("long functions", long_functions),
            ("complex functions", complex_functions),
            ("controller SQL", sql_calls),
            ("local imports", sorted(local_imports)),
        ):
            print(f"\n## {title}")
            for row in sorted(rows, reverse=True) if rows and isinstance(rows[0], tuple) else rows:
                print(" ", *(row if isinstance(row, tuple) else (row,)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
