"""CHECK constraints for the columns that hold one of a fixed set of strings.

The services check every value before it is stored; the constraint keeps a bug, a script
or a hand-written UPDATE from storing anything else. Named ck_<table>_<column> by the
naming convention (app/extensions.py); the migration that adds them is
migrations/versions/3b7e9c2a1d40_check_constraints_for_string_enums.py.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """`column` holds one of `values` (or NULL, where the column allows it)."""
    allowed = tuple(values)
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in allowed)
    return CheckConstraint(f'"{column}" IN ({listed})', name=column, info={"column": column, "values": allowed})
