"""A small sampling profiler with no dependency, for `python -m bench --profile`:

    python -m bench.sampler OUT -- MODULE ARGS...

runs `python -m MODULE ARGS...` and, on CPU time (SIGPROF, asked for every millisecond), records the
main thread's Python stack; OUT gets one "frame;frame;... count" line per distinct stack (the
collapsed format flame graph tools read), and OUT.json the process's CPU seconds and the number of
samples. The kernel delivers the timer at its own tick (often every 4 ms), so a sample's weight is
CPU seconds / samples, not the interval. Unlike cProfile it does not inflate code that makes many
small calls. Time spent in C (a socket read, libpq) is charged to the Python function calling it.
"""

from __future__ import annotations

import collections
import json
import runpy
import signal
import sys
import time
from pathlib import Path
from types import FrameType

INTERVAL = 0.001
_counts: collections.Counter[str] = collections.Counter()
_cpu_at_start = 0.0


_ROOT = str(Path(__file__).resolve().parent.parent)
_names: dict[str, str] = {}


def _short(filename: str) -> str:
    """/sqlalchemy/orm/session.py, /integrator/jobs.py, /json/decoder.py: short, still telling."""
    name = _names.get(filename)
    if name is None:
        if "site-packages/" in filename:
            name = "/" + filename.rsplit("site-packages/", 1)[1]
        elif filename.startswith(_ROOT):
            name = filename[len(_ROOT) :]
        else:
            name = "/" + "/".join(Path(filename).parts[-2:])
        _names[filename] = name
    return name


def _sample(_signum: int, frame: FrameType | None) -> None:
    stack = []
    while frame is not None:
        code = frame.f_code
        stack.append(f"{code.co_qualname} ({_short(code.co_filename)}:{code.co_firstlineno})")
        frame = frame.f_back
    _counts[";".join(reversed(stack))] += 1


def main() -> None:
    output, separator, module, *args = sys.argv[1:]
    if separator != "--":
        raise SystemExit("usage: python -m bench.sampler OUT -- MODULE ARGS...")
    sys.argv = [module, *args]
    start()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
    finally:
        write(Path(output))


def write(output: Path) -> None:
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    lines = [f"{stack} {count}" for stack, count in _counts.most_common()]
    output.write_text("\n".join(lines) + "\n")
    meta = {"cpu_s": time.process_time() - _cpu_at_start, "samples": sum(_counts.values())}
    output.with_name(output.name + ".json").write_text(json.dumps(meta))


def start() -> None:
    """Sample this process from now on (e.g. from a gunicorn hook)."""
    global _cpu_at_start
    _cpu_at_start = time.process_time()
    signal.signal(signal.SIGPROF, _sample)
    signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)


if __name__ == "__main__":
    main()
