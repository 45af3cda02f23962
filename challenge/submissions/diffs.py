"""What changed between two submitted versions, field by field (for staff)."""

from __future__ import annotations

import difflib
from typing import Any


def _flatten(snapshot: dict[str, Any]) -> dict[str, str]:
    fields = {
        "title": snapshot.get("title", ""),
        "summary": snapshot.get("summary", ""),
        "category": snapshot.get("category", ""),
    }
    for key, value in sorted((snapshot.get("answers") or {}).items()):
        fields[f"answers.{key}"] = str(value)
    fields["documents"] = "\n".join(
        f"{d['filename']} ({d['sha256'][:12]})" for d in snapshot.get("documents", [])
    )
    return fields


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """[{field, old, new, lines}] for every field that differs; lines is a unified diff."""
    before, after = _flatten(old), _flatten(new)
    result = []
    for field in list(dict.fromkeys([*before, *after])):
        a, b = before.get(field, ""), after.get(field, "")
        if a != b:
            lines = list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))[2:]
            result.append({"field": field, "old": a, "new": b, "lines": lines})
    return result
