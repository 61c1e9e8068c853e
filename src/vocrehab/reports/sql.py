"""Small SQL expressions the reports need that behave the same on SQLite and PostgreSQL."""

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole calendar days from ``start`` to ``end`` (two date expressions), as an integer.

    Django's own date subtraction goes through a Python function on SQLite, slow over
    a national dataset; ``julianday`` and PostgreSQL's date arithmetic are native.
    """

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return f"({end_sql} - {start_sql})", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
        return sql, (*end_params, *start_params)


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
