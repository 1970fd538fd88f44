"""Race-free "insert unless it exists" for the tables keyed by platform ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def count_rows(session: Session, model: Any, *where: ColumnElement[bool]) -> int:
    """How many rows of `model` match: the `total` of a list answer, across its pages."""
    return int(session.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def insert_ignore(session: Session, model: Any, values: dict[str, Any], keys: list[str] | None = None) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING (on the unique `keys`, or on any unique constraint when
    None). Returns the new row's id, or None when a row with those keys already existed."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    # Core execution on the session's connection: the ORM layer adds nothing to a plain INSERT.
    return session.connection().execute(statement.returning(model.id)).scalar_one_or_none()


_UPSERTS: dict[tuple[Any, ...], Any] = {}


def _upsert_statement(model: Any, columns: tuple[str, ...], keys: tuple[str, ...], touch: str) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET touch = touch RETURNING *, as a typed text
    statement built once: SQLAlchemy cannot cache its dialect-specific ON CONFLICT constructs, and
    compiling them on every order cost more than running them. Same SQL on PostgreSQL and SQLite."""
    cache_key = (model, columns, keys, touch)
    statement = _UPSERTS.get(cache_key)
    if statement is None:
        table = model.__table__
        names = ", ".join(columns)
        params = ", ".join(f":{name}" for name in columns)
        returning = ", ".join(column.name for column in table.columns)
        sql = (
            f"INSERT INTO {table.name} ({names}) VALUES ({params}) "  # noqa: S608 (our own table and columns)
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {touch} = {table.name}.{touch} RETURNING {returning}"
        )
        typed = [bindparam(name, type_=table.c[name].type) for name in columns]
        statement = text(sql).bindparams(*typed).columns(*table.columns)
        _UPSERTS[cache_key] = statement
    return statement


def upsert_locked(session: Session, model: Any, values: dict[str, Any], keys: list[str], touch: str) -> Any:
    """The row with these unique `keys`, inserted if missing, locked for this transaction, loaded
    fresh: one statement instead of insert, select and lock. The conflict branch rewrites `touch`
    (a non-key column) with its own value: a no-op update that takes the row lock (FOR NO KEY
    UPDATE strength on PostgreSQL)."""
    statement = _upsert_statement(model, tuple(values), tuple(keys), touch)
    return session.execute(
        select(model).from_statement(statement).execution_options(populate_existing=True), values
    ).scalar_one()
