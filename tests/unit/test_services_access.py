"""One way to reach the app's services: integrator/services.py is the only module that reads or
writes app.extensions; every view, job and command goes through services()."""

from pathlib import Path

INTEGRATOR = Path(__file__).resolve().parents[2] / "integrator"


def test_only_the_services_module_touches_app_extensions() -> None:
    offenders = [
        str(path.relative_to(INTEGRATOR))
        for path in INTEGRATOR.rglob("*.py")
        if path.name != "services.py" and ".extensions" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
