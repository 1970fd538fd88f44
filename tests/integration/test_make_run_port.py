"""make run PORT=N serves on port N and prints links on it; a busy port says so and exits 1 before
printing any link."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def test_a_busy_port_is_an_error_before_any_link(app: Flask) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = app.test_cli_runner().invoke(args=["demo", "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is busy" in result.output
    assert "http" not in result.output  # no link printed


def test_make_run_passes_the_port_to_the_server_and_its_links() -> None:
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5055"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    serve = next(line for line in plan.splitlines() if "demo serve" in line)
    assert "--port 5055" in serve and "http://127.0.0.1:5055" in serve
