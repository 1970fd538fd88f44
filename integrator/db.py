"""The database engine and transactions: one `Database` per app, sessions opened per unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's deferred BEGIN.
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two writers serialise instead of one
    # failing with "database is locked" half way through a read-then-write.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        # Called with a session's `info` once its transaction has committed (the app delivers the
        # domain events the transaction recorded: integrator/notify/jobs.py).
        self.after_commit: list[Callable[[dict[str, Any]], None]] = []

    def configure(self, url: str) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            # No pool_pre_ping: it costs a round trip per transaction on the webhook hot path.
            # A connection the server dropped fails one transaction (jobs retry it; Shopify
            # retries a webhook it got no 200 for) and is then replaced.
            engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("database not configured")
        return self._engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def single_statement(self) -> Iterator[Connection]:
        """A connection for work that is one statement: autocommit on PostgreSQL (one round trip
        instead of BEGIN, statement, COMMIT), an ordinary transaction on SQLite."""
        if self.is_sqlite:
            with self.engine.begin() as connection:
                yield connection
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                yield connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        if self._sessions is None:
            raise RuntimeError("database not configured")
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for hook in self.after_commit:
            hook(session.info)
