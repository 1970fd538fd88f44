"""`make run`'s development server runs every job of periodic.SCHEDULE at its own interval, as rq cron
does in production; a job that fails does not stop the others."""

from __future__ import annotations

import threading
import time
from typing import Any

from integrator import demo, periodic


def test_the_demo_timer_runs_every_scheduled_job_at_its_interval(app: Any, monkeypatch: Any) -> None:
    runs: dict[str, int] = {"often": 0, "hourly": 0, "broken": 0}

    def often() -> int:
        runs["often"] += 1
        return 0

    def hourly() -> int:
        runs["hourly"] += 1
        return 0

    def broken() -> int:
        runs["broken"] += 1
        raise RuntimeError("this job fails every time")

    monkeypatch.setattr(periodic, "SCHEDULE", [(broken, 0), (often, 0), (hourly, 3600)])
    monkeypatch.setattr(demo, "TICK", 0.02)
    stop = threading.Event()
    timer = threading.Thread(target=demo._periodic, args=(app, stop), daemon=True)
    timer.start()
    time.sleep(0.5)
    stop.set()
    timer.join(timeout=5)
    assert not timer.is_alive()
    assert runs["often"] >= 3 and runs["broken"] >= 3  # the failing job neither stops the loop nor the others
    assert runs["hourly"] == 1
