"""Writing many new rows at once (an import of a province's history): multi-row INSERTs built once
per batch from plain values (on PostgreSQL, COPY).

`bulk_create` makes a model instance per row and compiles every value through the field: for
100,000 establishments and their audit entries that is most of an import's time. `insert_rows`
takes each row's values as a dict and sends them as they are where the database adapter takes
them unchanged (text, whole numbers, booleans, NULL), through the field otherwise (dates, times,
JSON, decimals). No `save()`, no signals: only for records whose service writes them this way and
audits them itself (core.audit.audit_rows).
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# fields whose values the adapters of SQLite and PostgreSQL take as Python gives them
PLAIN = {
    "CharField",
    "TextField",
    "EmailField",
    "SlugField",
    "URLField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "BooleanField",
}
PLAIN_TYPES = (str, int, bool, type(None))
BATCH = 2000


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    if field.is_relation:
        target = field.target_field

        def related(value: Any) -> Any:
            value = value.pk if isinstance(value, models.Model) else value
            return value if isinstance(value, PLAIN_TYPES) else target.get_db_prep_save(value, connection)

        return related
    if field.get_internal_type() in PLAIN:
        return lambda value: (
            value if isinstance(value, PLAIN_TYPES) else field.get_db_prep_save(value, connection)
        )
    return lambda value: field.get_db_prep_save(value, connection)


def _values(rows: Sequence[dict[str, Any]], columns: list) -> Iterator[list[Any]]:
    for row in rows:
        yield [
            prepare(row[name]) if name in row else prepare(field.get_default() if field is not None else None)
            for _column, name, prepare, field in columns
        ]


def _copy_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], columns: list) -> list[int]:
    """PostgreSQL: the ids taken from the table's sequence at once, then every row sent by COPY.
    A multi-row INSERT there costs more in the adapter (which splits and quotes a statement of tens
    of thousands of parameters, in Python) than in the server."""
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(table), pk, len(rows)],
        )
        ids = [pk_ for (pk_,) in cursor.fetchall()]
        names = ", ".join([quote(pk), *(quote(column) for column, *_ in columns)])
        # names from the model's own metadata, quoted; the values go by COPY, never in the statement
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for pk_, values in zip(ids, _values(rows, columns), strict=True):
                copy.write_row([pk_, *values])
    return ids


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` — values by field name, a foreign key as its record or its id — and return
    their ids in order. A field a row does not name takes its default; `auto_now` and
    `auto_now_add` fields take the time of the call."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns = []
    for f in fields:
        prepare = _preparer(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed = prepare(now)
            columns.append((f.column, f.name, lambda _v, fixed=fixed: fixed, None))
        else:
            columns.append((f.column, f.name, prepare, f))
    if connection.vendor == "postgresql":
        return _copy_rows(model, rows, columns)
    quote = connection.ops.quote_name
    limit = connection.features.max_query_params or 65_535
    size = max(1, min(BATCH, limit // len(columns)))
    # names from the model's own metadata, quoted; every value is a parameter
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(column) for column, *_ in columns)
    )
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {quote(model._meta.pk.column)}"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [value for values in _values(batch, columns) for value in values]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids
