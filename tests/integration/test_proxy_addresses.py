"""Behind a load balancer (TRUSTED_PROXY_COUNT=N) the rate limits count each real client address,
taken from X-Forwarded-For as the trusted proxies wrote it; with no trusted proxy (the default) the
header is anyone's to forge and is ignored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from integrator.config import ConfigError, load_config
from tests.conftest import env_for

DAY = 86_400
LOAD_BALANCER = {"REMOTE_ADDR": "10.0.0.5"}  # every connection comes from the load balancer


def statuses_behind_a_proxy(database_url: str, shop: dict[str, Any], forwarded_for: list[str], **env: str) -> list[int]:
    """GET the widget program once per X-Forwarded-For value, in a web process of its own (one app
    per process) with the given environment and a client limit of 3 a day."""
    path = f"/widget/v1/{shop['public_id']}/program"
    order = {
        "env": env_for(database_url, **env),
        "config": {"limits": [3, 60, DAY]},
        "environ_base": LOAD_BALANCER,
        "requests": [["GET", path, None, None, {"X-Forwarded-For": value}] for value in forwarded_for],
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.widget_process"],
        input=json.dumps(order),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [status for status, _, _ in json.loads(done.stdout)]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(database_url: str, shop: dict[str, Any]) -> None:
    first, second = "198.51.100.1", "198.51.100.2"
    statuses = statuses_behind_a_proxy(
        database_url,
        shop,
        # The fifth: a client cannot dodge its limit by writing its own X-Forwarded-For, since the
        # proxy appends the address it saw and that last entry is the one trusted.
        [first, first, first, first, second, f"203.0.113.77, {first}"],
        TRUSTED_PROXY_COUNT="1",
    )
    # The first client's fourth request is refused; another shopper behind the same load balancer
    # is not locked out by it.
    assert statuses == [200, 200, 200, 429, 200, 429]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(database_url: str, shop: dict[str, Any]) -> None:
    forged = [f"198.51.100.{n}" for n in range(1, 5)]
    assert statuses_behind_a_proxy(database_url, shop, forged) == [200, 200, 200, 429]  # one address


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRUSTED_PROXY_COUNT", "-1"), ("TRUSTED_PROXY_COUNT", "two"), ("WEBHOOK_RETENTION_DAYS", "0")],
)
def test_bad_numbers_in_the_environment_are_refused_with_their_name(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_config(env_for("sqlite://", **{name: value}))


def test_the_defaults() -> None:
    config = load_config(env_for("sqlite://"))
    assert (config.trusted_proxy_count, config.webhook_retention_days) == (0, 30)
