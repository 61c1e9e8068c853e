"""Small SQL expressions the reports need that behave the same on SQLite and PostgreSQL."""

from django.db.models import Func


class RoundHalfUp1(Func):
    """A non-negative number rounded half up to one decimal place, on both databases.

    PostgreSQL has no ROUND(double precision, int), so the value is cast to numeric
    there. The tiny nudge stops a binary float such as 4.35 (stored as 4.3499…) from
    rounding down, matching the measures engine, which rounds decimals half up.
    """

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"ROUND(CAST(({sql}) + 0.000000001 AS NUMERIC), 1)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"ROUND(({sql}) + 0.000000001, 1)", params
