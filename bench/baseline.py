"""The bare baseline: what any webhook receiver on this stack must at least do. Verify the Shopify
HMAC over the raw body (constant time), INSERT the raw body, commit, answer 200. Served by the same
gunicorn settings as the app (`gunicorn -w 2 bench.baseline:app`, with the root's gunicorn.conf.py:
threaded workers), on the same PostgreSQL server.

Not handicapped: one persistent psycopg connection per worker thread (a thread serves one request
at a time, so that is a full pool), autocommit (the INSERT is its own transaction: one
round trip, one commit), and psycopg prepares the statement after its first uses.

POST /null answers 200 without verifying or storing anything: the ceiling of the load generator
and gunicorn together on this machine.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading

import psycopg
from flask import Flask, Response, request

from bench.payloads import WEBHOOK_SECRET

SECRET = os.environ.get("BENCH_WEBHOOK_SECRET", WEBHOOK_SECRET).encode()
DSN = os.environ.get("BENCH_BASELINE_DSN", "postgresql://postgres@127.0.0.1:5432/bench")
TABLE_DDL = "CREATE TABLE IF NOT EXISTS baseline_events (id BIGSERIAL PRIMARY KEY, body BYTEA NOT NULL)"
INSERT = "INSERT INTO baseline_events (body) VALUES (%s)"

app = Flask(__name__)
_local = threading.local()


def connection() -> psycopg.Connection:
    """This thread's connection, opened on first use (after gunicorn forked), reopened if broken."""
    current: psycopg.Connection | None = getattr(_local, "connection", None)
    if current is None or current.closed or current.broken:
        current = _local.connection = psycopg.connect(DSN, autocommit=True)
    return current


def _answer(status: int) -> Response:
    return Response(
        b'{"ok":true}' if status == 200 else b'{"error":"invalid webhook signature"}',
        status=status,
        mimetype="application/json",
    )


@app.post("/webhooks/shopify")
def webhook() -> Response:
    raw = request.get_data(cache=False)
    expected = base64.b64encode(hmac.new(SECRET, raw, hashlib.sha256).digest())
    given = (request.headers.get("X-Shopify-Hmac-Sha256") or "").strip().encode()
    if not hmac.compare_digest(expected, given):
        return _answer(401)
    connection().execute(INSERT, (raw,))
    return _answer(200)


@app.post("/null")
def null() -> Response:
    request.get_data(cache=False)
    return _answer(200)


@app.get("/ping")
def ping() -> Response:
    return _answer(200)
