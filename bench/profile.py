"""Reading the collapsed stacks bench.sampler writes: where a process's CPU goes, per request or
per order, by phase (first marker found in the stack), by library and by Setia function."""

from __future__ import annotations

import collections
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LIBRARIES = (
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/psycopg", "psycopg (libpq calls, socket I/O)"),
    ("/redis/", "redis-py (socket I/O)"),
    ("/rq/", "RQ"),
    ("/integrator/", "Setia (integrator, connectors)"),
    ("/connectors/", "Setia (integrator, connectors)"),
    ("/flask/", "Flask, Werkzeug"),
    ("/werkzeug/", "Flask, Werkzeug"),
    ("/gunicorn/", "gunicorn"),
    ("/json/", "json"),
    ("/decimal", "decimal"),
)

# (marker in a frame, label): a sample belongs to the first phase whose marker is in its stack
WORKER_PHASES = (
    ("process_event (/", "processing the delivery: jobs.process_event"),
    ("drain_inbox (/", "taking deliveries off the inbox list (jobs.drain_inbox)"),
    ("BaseWorker.work (", "RQ worker bookkeeping around the jobs"),
)
WEB_VIEW = (  # inside the webhook view
    ("store_delivery (/", "store the delivery (inbox.store_delivery, commit)"),
    ("Database.session (/", "store the delivery (inbox.store_delivery, commit)"),
    ("Engine.begin (/", "store the delivery (inbox.store_delivery, commit)"),
    ("Database.single_statement (/", "store the delivery (inbox.store_delivery, commit)"),
    ("notify (/", "hand it to the workers (jobs.notify/enqueue: Redis)"),
    ("enqueue (/", "hand it to the workers (jobs.notify/enqueue: Redis)"),
    ("ShopSecrets.lookup (/", "find the shop and its secret (cached)"),
    ("verify_webhook (/", "verify the HMAC"),
    ("shopify_webhook (/", "rest of the view (headers, JSON answer)"),
)
WEB_PHASES = (
    *WEB_VIEW,
    ("SessionInterface.open_session (/", "Flask's cookie session (opened, unused)"),
    ("SessionInterface.save_session (/", "Flask's cookie session (opened, unused)"),
    ("Flask.wsgi_app (/", "Flask, Werkzeug around the view"),
    ("SyncWorker.", "gunicorn: accept, parse, respond, close"),
)
WEB_FOCUS = list(dict.fromkeys(label for _, label in WEB_VIEW))


def library_of(frame: str) -> str:
    for marker, label in LIBRARIES:
        if marker in frame:
            return label
    return "other (stdlib, click, ...)"


def _read(path: Path) -> tuple[list[tuple[list[str], int]], float]:
    """The stacks of one file and the CPU seconds one sample stands for."""
    meta = json.loads(path.with_name(path.name + ".json").read_text())
    stacks = []
    for line in path.read_text().splitlines():
        if line.strip():
            stack, count = line.rsplit(" ", 1)
            stacks.append((stack.split(";"), int(count)))
    return stacks, meta["cpu_s"] / max(meta["samples"], 1)


def summarise(
    paths: Sequence[Path], units: int, phases: Sequence[tuple[str, str]], focus: Sequence[str], top: int = 15
) -> dict[str, Any]:
    """CPU µs per unit (request, order): by phase; and for the `focus` phases, self time by
    library and by the innermost Setia function."""
    by_phase: collections.Counter[str] = collections.Counter()
    by_library: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    hottest: collections.Counter[str] = collections.Counter()
    for path in paths:
        stacks, weight = _read(path)
        scale = weight * 1e6 / units
        for frames, count in stacks:
            value = count * scale
            label = next(
                (label for marker, label in phases if any(marker in f for f in frames)),
                "other: start-up, imports, shutdown",
            )
            by_phase[label] += value
            hottest[frames[-1]] += value
            if label in focus:
                by_library[library_of(frames[-1])] += value
                own = [f for f in frames if "/integrator/" in f or "/connectors/" in f]
                if own:
                    by_function[own[-1]] += value

    def rounded(counter: collections.Counter[str], limit: int | None = None) -> dict[str, float]:
        return {key: round(value, 1) for key, value in counter.most_common(limit)}

    return {
        "units": units,
        "cpu_us_per_unit": round(sum(by_phase.values()), 1),
        "phases_us": rounded(by_phase),
        "focus": list(focus),
        "focus_by_library_us": rounded(by_library),
        "focus_by_setia_function_us": rounded(by_function, top),
        "hottest_functions_us": rounded(hottest, top),
    }
