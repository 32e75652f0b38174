"""The little SQL the two supported databases (SQLite ≥ 3.25, PostgreSQL) spell differently.

Everything else in the engine is plain SQL both understand: CTEs, CASE, window functions
(RANK, COUNT OVER), correlated subqueries, INSERT … SELECT and INSERT … ON CONFLICT.
Amounts are summed as integer fen so that every threshold comparison and every score is
exact integer arithmetic on both databases (integer division truncates toward zero on both).
"""
from __future__ import annotations

import datetime
import re

from django.db import connection as default_connection

_NAMED = re.compile(r"%\((\w+)\)s")


def positional(sql: str, params: dict) -> tuple[str, list]:
    """Turn `%(name)s` placeholders into `%s` with the values in order (a name may repeat)."""
    values: list = []

    def replace(match):
        values.append(params[match.group(1)])
        return "%s"

    return _NAMED.sub(replace, sql), values


class Dialect:
    def __init__(self, connection=None):
        self.connection = connection or default_connection
        self.vendor = self.connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"the lifecycle engine supports PostgreSQL and SQLite, not {self.vendor}")
        self.postgres = self.vendor == "postgresql"

    def q(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def cents(self, column: str) -> str:
        """A Decimal(…, 2) amount as integer fen."""
        if self.postgres:
            return f"CAST({column} * 100 AS BIGINT)"
        return f"CAST(ROUND({column} * 100) AS INTEGER)"

    def sum_int(self, expression: str) -> str:
        return f"CAST(SUM({expression}) AS BIGINT)" if self.postgres else f"SUM({expression})"

    def days_between(self, later: str, earlier: str) -> str:
        """Whole days from `earlier` to `later` (both dates)."""
        if self.postgres:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def date(self, value: datetime.date):
        return value if self.postgres else value.isoformat()

    def datetime(self, value: datetime.datetime):
        return self.connection.ops.adapt_datetimefield_value(value)

    def date_param(self, name: str) -> str:
        """A date placeholder usable in arithmetic."""
        return f"CAST(%({name})s AS DATE)" if self.postgres else f"%({name})s"

    def json_object(self, pairs: dict[str, str]) -> str:
        function = "jsonb_build_object" if self.postgres else "json_object"
        args = ", ".join("'%s', %s" % (key, value) for key, value in pairs.items())
        return f"{function}({args})"

    def as_json(self, expression: str) -> str:
        return f"CAST({expression} AS jsonb)" if self.postgres else expression

    def true(self) -> str:
        return "TRUE" if self.postgres else "1"

    def tune_transaction(self) -> None:
        """Settings for the job's statements, for the current transaction only.

        PostgreSQL: no JIT. The planner's cost estimates for these multi-CTE statements exceed
        the JIT thresholds, and compiling them costs seconds per chunk, many times what running
        them takes (measured with EXPLAIN ANALYZE: 14 s of JIT for a 2 s statement).
        And asynchronous commit: the commit returns before its WAL reaches the disk. A crash
        can lose at most the last fraction of a second of commits, in commit order (never a
        half-written chunk, never a later commit without an earlier one), and a lost chunk or
        finishing step is simply computed again by the next (idempotent) run.
        """
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL synchronous_commit = off")

    def execute(self, sql: str, params: dict | None = None) -> int:
        """Run one statement with named parameters; return the row count."""
        text, values = positional(sql, params or {})
        with self.connection.cursor() as cursor:
            cursor.execute(text, values)
            return cursor.rowcount

    def fetchall(self, sql: str, params: dict | None = None) -> list[tuple]:
        text, values = positional(sql, params or {})
        with self.connection.cursor() as cursor:
            cursor.execute(text, values)
            return cursor.fetchall()
