"""The domain stays readable: no module of integrator/loyalty/ over 300 lines, and the models package
re-exports every table class, so `from integrator.loyalty.models import X` works for each of them."""

from pathlib import Path

import integrator.loyalty
from integrator.loyalty import models

DOMAIN = Path(integrator.loyalty.__file__).parent
MAX_LINES = 300


def test_no_domain_module_is_over_300_lines():
    sizes = {
        str(path.relative_to(DOMAIN)): len(path.read_text(encoding="utf-8").splitlines())
        for path in DOMAIN.rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}


def test_every_table_class_is_importable_from_the_models_package():
    mapped = {mapper.class_ for mapper in models.Base.registry.mappers}
    assert {cls.__name__ for cls in mapped} <= set(models.__all__)
    assert all(getattr(models, cls.__name__) is cls for cls in mapped)
    assert {cls.__table__.name for cls in mapped} == set(models.Base.metadata.tables)  # type: ignore[attr-defined]
