"""Plain SQL for the few hot paths, with values passed and read as the ORM would.

On election day intake answers hundreds of requests a second, and composing a
query with the ORM costs more than running it. The hot paths write their SQL
out once and use these helpers so that parameters (a UUID is text on SQLite)
and results (SQLite returns dates as text, JSON columns come back as text)
match what the ORM gives everywhere else.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

_M = TypeVar("_M", bound=models.Model)
# A converter as Django's backends and fields give them: (value, expression, connection) -> value.
_Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def db_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    """``value`` as the database stores it in ``model.field_name``."""
    return _column_field(model, field_name).get_db_prep_value(value, _database())


def _column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse or generic relation, not a column")
    return field


def fetch_rows(
    sql: str,
    params: Sequence[Any],
    columns: Sequence[tuple[type[models.Model], str] | None],
    *,
    prepared: bool = False,
) -> list[list[Any]]:
    """Rows of ``sql``, each column converted as the ORM converts ``model.field``.

    A column given as None is taken as the database returns it. ``prepared``: see
    :func:`_run`; only for queries on tables that do not grow during the day.
    """
    db = _database()
    rows = _run(db, sql, params, fetch=True, prepared=prepared)
    if not rows:
        return []
    converters = _converters_of(tuple(columns), db.vendor)
    return [_converted(row, converters, db) for row in rows]


@functools.cache
def _converters_of(
    columns: tuple[tuple[type[models.Model], str] | None, ...], vendor: str
) -> list[tuple[Any, list[_Converter]]]:
    # Found once per query's columns: looking each field and its converters up again
    # for every call cost the hot paths more than converting the values. The
    # converters depend on the database's kind, not on the thread's connection.
    db = _database()
    return [_converters(_column_field(*column), db) if column else (None, []) for column in columns]


def instance(model: type[_M], names: Sequence[str], values: Sequence[Any]) -> _M:
    """A model instance holding only these fields; any other is loaded if asked for."""
    given = dict(zip(names, values, strict=True))
    # from_db takes the values in the order the model declares its fields.
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db(DEFAULT_DB_ALIAS, ordered, [given[name] for name in ordered])


def _converters(
    field: models.Field[Any, Any], db: BaseDatabaseWrapper
) -> tuple[Any, list[_Converter]]:
    column = field.cached_col
    # Field.get_db_converters exists (Expression's is its model) but the stubs leave it out.
    field_converters = field.get_db_converters(db)  # type: ignore[attr-defined]
    return column, [*db.ops.get_db_converters(column), *field_converters]


def _converted(
    row: Sequence[Any], converters: list[tuple[Any, list[_Converter]]], db: BaseDatabaseWrapper
) -> list[Any]:
    values = []
    for value, (column, field_converters) in zip(row, converters, strict=True):
        for convert in field_converters:
            value = convert(value, column, db)
        values.append(value)
    return values


def insert_one(item: models.Model) -> None:
    """Insert one unsaved instance with a single plain ``INSERT``, and give it its id."""
    sql, values = insert_statement(item)
    # An INSERT reads no table, so no plan can go stale.
    given_id(item, _run(_database(), sql, values, fetch=True, prepared=True)[0][0])


def insert_statement(item: models.Model, *, unless_taken: bool = False) -> tuple[str, list[Any]]:
    """The plain ``INSERT`` of one unsaved instance, returning its id, and its values.

    Every column gets the value saving would give it (``auto_now_add`` included).
    ``unless_taken``: where a unique constraint already holds such a row, nothing
    is inserted and no id returned.
    """
    db = _database()
    model = type(item)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(f.column for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f"{' ON CONFLICT DO NOTHING' if unless_taken else ''} RETURNING {model._meta.pk.column}"
    )
    return sql, [f.get_db_prep_save(f.pre_save(item, True), db) for f in fields]


def given_id(item: models.Model, pk: Any) -> None:
    """Mark an instance inserted with plain SQL as saved, with its new id."""
    item.pk = pk
    item._state.adding = False
    item._state.db = DEFAULT_DB_ALIAS


def insert_instances(instances: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model at once, and give them their ids.

    On PostgreSQL with ``COPY`` and ids drawn from the table's sequence
    beforehand: Django's bulk insert there sends arrays, whose text psycopg
    escapes character by character in Python, and a multi-row ``VALUES`` list
    costs as much to split into parameters. Elsewhere Django's bulk insert.
    Every column gets the value saving would give it (``auto_now_add`` included).
    """
    if not instances:
        return
    model = type(instances[0])
    db = _database()
    if db.vendor != "postgresql":
        model._default_manager.bulk_create(instances)
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ids = _new_ids(model, len(instances), db)
    columns = ", ".join([pk.column, *(f.column for f in fields)])
    copying = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    prepare = [_copy_value_of(field, db) for field in fields]
    with db.cursor() as cursor, cursor.cursor.copy(copying) as copy:
        for item, new_id in zip(instances, ids, strict=True):
            copy.write_row([new_id, *(value_of(item) for value_of in prepare)])
    for item, new_id in zip(instances, ids, strict=True):
        item.pk = new_id
        item._state.adding = False
        item._state.db = DEFAULT_DB_ALIAS


def _copy_value_of(
    field: models.Field[Any, Any], db: BaseDatabaseWrapper
) -> Callable[[models.Model], Any]:
    """How to read ``field`` of an instance for COPY, as saving would write it.

    Plain values that are already what the column holds pass as they are; the
    rest (JSON, naive times, anything else) go through the field, as in a save.
    Half of a batch's time went into that call for values it leaves unchanged.
    """
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda item: field.get_db_prep_save(field.pre_save(item, True), db)
    if isinstance(field, models.JSONField):
        return lambda item: field.get_db_prep_save(getattr(item, field.attname), db)

    def value_of(item: models.Model) -> Any:
        value = getattr(item, field.attname)
        if value is None or type(value) in _AS_STORED or _aware_time(value):
            return value
        return field.get_db_prep_save(value, db)

    return value_of


_AS_STORED = (str, int, uuid.UUID)


def _aware_time(value: Any) -> bool:
    return isinstance(value, datetime.datetime) and value.tzinfo is not None


def _new_ids(model: type[models.Model], count: int, db: BaseDatabaseWrapper) -> list[int]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _database() -> BaseDatabaseWrapper:
    # The connection itself: each attribute read through ``django.db.connection``
    # looks up the current thread's connection again, and these helpers read many.
    return connections[DEFAULT_DB_ALIAS]


def _run(
    db: BaseDatabaseWrapper, sql: str, params: Sequence[Any], *, fetch: bool, prepared: bool
) -> list[Any]:
    """Execute ``sql``; ``prepared`` on PostgreSQL binds the values on the server.

    Django's cursors send each query with its values written in, which the
    server parses and plans every time. Bound by the server, a query that recurs
    is prepared once per connection (psycopg does it by itself after a few
    runs) and skips the planning. Only for statements whose plan cannot go
    stale: a plan made while a table was empty (the morning of election day)
    would keep scanning it all as it grows.
    """
    if db.vendor != "postgresql" or not prepared:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if fetch else []
    db.ensure_connection()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []
