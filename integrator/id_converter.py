"""The `<int:...>` of every URL rule: ASCII digits up to PostgreSQL's bigint. Werkzeug's own
matches any Unicode digit ("/members/٣" was member 3) and any size (an id of 2^63 or more reached
the database and failed as a 500); here both match no rule, so they are a plain 404."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from integrator.loyalty.models import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
