"""Race-free "insert unless it exists" for the tables keyed by platform ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, values: dict[str, Any], keys: list[str] | None = None) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING (on the unique `keys`, or on any unique constraint when
    None). Returns the new row's id, or None when a row with those keys already existed."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    # Core execution on the session's connection: the ORM layer adds nothing to a plain INSERT.
    return session.connection().execute(statement.returning(model.id)).scalar_one_or_none()


def upsert_locked(session: Session, model: Any, values: dict[str, Any], keys: list[str], touch: str) -> Any:
    """The row with these unique `keys`, inserted if missing, locked for this transaction, loaded
    fresh: one INSERT ... ON CONFLICT DO UPDATE ... RETURNING instead of insert, select, lock.
    The conflict branch rewrites `touch` (a non-key column) with its own value: a no-op update
    that takes the row lock (FOR NO KEY UPDATE strength on PostgreSQL)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    column = model.__table__.c[touch]
    statement = (
        dialect.insert(model)
        .values(**values)
        .on_conflict_do_update(index_elements=keys, set_={touch: column})
        .returning(model)
    )
    return session.execute(
        select(model).from_statement(statement).execution_options(populate_existing=True)
    ).scalar_one()
