"""Raw bulk insert for the few writes where Django's bulk_create is the bottleneck (rating a
city-sized month: bench/ratings.py). Callers are actions: they validate, audit and hold the
transaction; this only writes."""

from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], objects: list[Any], *, upsert: str = "") -> None:
    """Insert `objects` (unsaved instances of `model`) with their attribute values as they are,
    ROWS_PER_INSERT rows per statement, all full statements in one executemany (the driver
    parses the statement once). Django's bulk_create prepares every field of every row in
    Python, and one statement per row costs a round trip each: both took most of the time of
    rating a city-sized month (bench/ratings.py). No default or auto field is filled in beyond
    what the constructor did. `upsert` is an optional "ON CONFLICT …" clause (PostgreSQL and
    SQLite ≥ 3.24 share the syntax)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.attname) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def statement(rows: int) -> str:
        # Names from the model's metadata and a constant clause: nothing from user input.
        values = ", ".join([row] * rows)
        return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values} {upsert}"  # noqa: S608

    def params(chunk: list[Any]) -> list[Any]:
        return [getattr(o, f.attname) for o in chunk for f in fields]

    full = len(objects) - len(objects) % ROWS_PER_INSERT
    chunks = [objects[i : i + ROWS_PER_INSERT] for i in range(0, full, ROWS_PER_INSERT)]
    with connection.cursor() as cursor:
        if chunks:
            cursor.executemany(statement(ROWS_PER_INSERT), [params(c) for c in chunks])
        if full < len(objects):
            cursor.execute(statement(len(objects) - full), params(objects[full:]))


# 100 rows of at most ~50 columns: far under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
ROWS_PER_INSERT = 100
