"""A faster ``ForeignKey.__getattribute__`` for Piccolo (carried until Piccolo avoids the cost).

Piccolo's ``ForeignKey.__getattribute__`` calls ``dir(self)`` on every public attribute read —
``Submission.challenge.is_in``, ``Juror.call.as_alias`` — to notice lazy table references whose
proxy columns are not set yet. ``dir()`` of a foreign key with a dozen proxy columns costs 50–130
µs on this machine, and a page builds queries with dozens of such reads (the scoring screen: 76
per request, issue 25).

That check only matters while a lazy reference's proxy columns are missing, so it is made only
then (and only then through Piccolo's own method); otherwise the attribute is read directly and,
as in Piccolo, a column comes back as a copy that records the join (``_joined``, Piccolo 1.38's
code unchanged). tests/challenge/platform/test_request_path.py compares the SQL both build.
"""

from __future__ import annotations

from piccolo.columns.base import Column
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.reference import LazyTableReference

_PICCOLO_GETATTRIBUTE = ForeignKey.__getattribute__


def _getattribute(self, name: str):
    if name.startswith("_"):
        return object.__getattribute__(self, name)
    meta = object.__getattribute__(self, "_foreign_key_meta")
    if meta.proxy_columns == [] and isinstance(meta.references, LazyTableReference):
        return _PICCOLO_GETATTRIBUTE(self, name)  # proxy columns still to be set: Piccolo's way
    value = object.__getattribute__(self, name)
    return _joined(self, value) if isinstance(value, Column) else value


def _joined(self, value: Column) -> Column:
    """A column read through this foreign key: a copy recording the join (Piccolo's code)."""
    if isinstance(value, object.__getattribute__(self, "__class__")):  # i.e. a ForeignKey
        new_column = value.copy()
        new_column._meta.call_chain.append(self)
        # Table 1 can reference Table 2, which references Table 1: Piccolo's limit of 10 joins.
        if len(new_column._meta.call_chain) >= 10:
            raise Exception("Call chain too long!")
        foreign_key_meta = object.__getattribute__(new_column, "_foreign_key_meta")
        for proxy_column in foreign_key_meta.proxy_columns:
            try:
                delattr(new_column, proxy_column._meta.name)
            except Exception:  # noqa: BLE001, S110 - as in Piccolo
                pass
        foreign_key_meta.proxy_columns = []
        for column in value._foreign_key_meta.resolved_references._meta.columns:
            _column = column.copy()
            _column._meta.call_chain = list(new_column._meta.call_chain)
            setattr(new_column, _column._meta.name, _column)
            foreign_key_meta.proxy_columns.append(_column)
        return new_column
    new_column = value.copy()
    new_column._meta.call_chain = object.__getattribute__(self, "_meta").call_chain.copy()
    new_column._meta.call_chain.append(self)
    return new_column


def install() -> None:
    """Use the faster attribute read (idempotent)."""
    if ForeignKey.__getattribute__ is _PICCOLO_GETATTRIBUTE:
        ForeignKey.__getattribute__ = _getattribute  # type: ignore[method-assign]


def uninstall() -> None:
    """Piccolo's own attribute read again (for the test that compares both)."""
    ForeignKey.__getattribute__ = _PICCOLO_GETATTRIBUTE  # type: ignore[method-assign]
