"""gunicorn -c bench/gunicorn_sampler.py ...: every worker samples its own CPU (bench.sampler) once
it has loaded the app, and writes $BENCH_PROFILE_DIR/web-<pid>.folded when it exits
(python -m bench --profile)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench import sampler


def post_worker_init(worker: Any) -> None:
    sampler.start()


def worker_exit(server: Any, worker: Any) -> None:
    sampler.write(Path(os.environ["BENCH_PROFILE_DIR"]) / f"web-{os.getpid()}.folded")
