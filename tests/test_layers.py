"""Layer rules (issue 24, DESIGN.md §3), checked on the source with the standard ``ast`` module.

- controllers (``api``, ``pages``, ``staff_pages``, ``public`` modules) import no ``*.tables``:
  they call services;
- ``challenge`` never imports ``partnerships`` (an extension joins through its Domain record);
- domains import only earlier stages: platform < organisations < calls < challenges < submissions <
  jury < results < messages < participation < partnerships; ``challenge.platform`` imports no domain package.
  Later stages register into earlier ones (``challenge/platform/domains.py``), never the reverse.

Imports inside functions count too. The assembly modules (``challenge.app``, ``challenge.cli``,
``challenge.domains``, the demo loaders) may import every domain.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTROLLERS = {"api", "pages", "staff_pages", "public"}
# Stage of each package; the infrastructure modules beside `platform` share its stage.
STAGES = {
    "challenge.platform": 0,
    "challenge.db": 0,
    "challenge.settings": 0,
    "challenge.paths": 0,
    "challenge.engines": 0,
    "challenge.organisations": 1,
    "challenge.calls": 2,
    "challenge.challenges": 3,
    "challenge.submissions": 4,
    "challenge.jury": 5,
    "challenge.results": 6,
    "challenge.messages": 7,
    "challenge.participation": 8,
    "partnerships": 9,
}
STAGE_NAMES = {
    0: "platform",
    1: "organisations",
    2: "calls",
    3: "challenges",
    4: "submissions",
    5: "jury",
    6: "results",
    7: "messages",
    8: "participation",
    9: "partnerships",
}
ASSEMBLY = (
    "challenge.app",
    "challenge.cli",
    "challenge.domains",
    "challenge.demo",
    "challenge.__main__",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, at any depth; ``from a import b``
    yields ``a.b`` as well as ``a``, so ``from challenge.jury import tables`` is seen."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: anchored at the file's package
                package = (
                    module_name(path)
                    if path.name == "__init__.py"
                    else module_name(path).rsplit(".", 1)[0]
                )
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def source_files() -> list[Path]:
    return [
        path
        for package in ("challenge", "partnerships")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "piccolo_migrations" not in path.parts
    ]


def stage_of(module: str) -> int | None:
    for prefix, stage in sorted(STAGES.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(prefix + "."):
            return stage
    return None


def is_assembly(module: str) -> bool:
    return any(
        module == name or module.startswith(name + ".") or module.startswith(name + "_")
        for name in ASSEMBLY
    )


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def by_place(place: str) -> tuple[str, int]:
    file, _, line = place.partition(" ")[0].rpartition(":")
    return file, int(line)


def controller_violations() -> list[str]:
    return sorted(
        (
            f"{where(path, line)} controller imports {target} (call a service instead)"
            for path in source_files()
            if path.stem in CONTROLLERS
            for line, target in imports(path)
            if target.split(".")[-1] == "tables"
        ),
        key=by_place,
    )


def direction_violation(me: str, target: str) -> str | None:
    """Why importing ``target`` from module ``me`` breaks the direction, or None."""
    mine = stage_of(me)
    if me.startswith("challenge") and target.startswith("partnerships"):
        return f"challenge imports {target} (partnerships is an extension: it joins through its Domain record)"
    if mine is not None and is_assembly(target):
        return f"{me} imports the assembly module {target}"
    theirs = stage_of(target)
    if mine is not None and theirs is not None and theirs > mine:
        return (
            f"{STAGE_NAMES[mine]} imports the later stage {STAGE_NAMES[theirs]} ({target}); let "
            f"{STAGE_NAMES[theirs]} register into {STAGE_NAMES[mine]} through its Domain record instead"
        )
    return None


def direction_violations() -> list[str]:
    found: dict[str, str] = {}  # one message per import statement
    for path in source_files():
        me = module_name(path)
        for line, target in imports(path):
            message = direction_violation(me, target)
            if message and where(path, line) not in found:
                found[where(path, line)] = f"{where(path, line)} {message}"
    return [found[key] for key in sorted(found, key=by_place)]


def test_controllers_import_no_tables():
    violations = controller_violations()
    assert not violations, "\n" + "\n".join(violations)


def test_domains_import_only_earlier_stages():
    violations = direction_violations()
    assert not violations, "\n" + "\n".join(violations)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "def f():\n    from challenge.jury import tables\n    import partnerships.api\n"
    )
    assert imports(source) == [
        (2, "challenge.jury"),
        (2, "challenge.jury.tables"),
        (3, "partnerships.api"),
    ]
