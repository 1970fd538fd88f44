"""The widget's look through PATCH /api/v1/settings: accent colour, position and the merchant's own
texts per language; every bad value is a 422 with field errors and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

DEFAULT_WIDGET = {"accent_color": "#0f766e", "position": "bottom-right", "texts": {"en": {}, "id": {}}}


def test_widget_settings_have_defaults(api: Any) -> None:
    assert api.get("/settings").json["widget"] == DEFAULT_WIDGET


def test_widget_settings_are_changed_partially_and_recorded(api: Any) -> None:
    response = api.patch("/settings", {"widget": {"accent_color": "#AA3300"}})
    assert response.status_code == 200
    assert response.json["widget"] == {**DEFAULT_WIDGET, "accent_color": "#aa3300"}
    response = api.patch("/settings", {"widget": {"position": "bottom-left"}})
    assert response.json["widget"] == {**DEFAULT_WIDGET, "accent_color": "#aa3300", "position": "bottom-left"}
    assert api.get("/settings").json == response.json
    changes = [item["changes"] for item in api.get("/settings/changes").json["items"]]
    assert changes == [
        {"widget.position": {"from": "bottom-right", "to": "bottom-left"}},
        {"widget.accent_color": {"from": "#0f766e", "to": "#aa3300"}},
    ]


def test_texts_are_replaced_whole(api: Any) -> None:
    first = {"en": {"title": "Club points", "join": "Join the club"}, "id": {"title": "Poin Klub"}}
    assert api.patch("/settings", {"widget": {"texts": first}}).json["widget"]["texts"] == first
    # The second patch names only English "rewards": the earlier English title and the Indonesian
    # texts are gone, the built-in texts come back for them.
    response = api.patch("/settings", {"widget": {"texts": {"en": {"rewards": "Treats"}}}})
    assert response.status_code == 200
    assert response.json["widget"]["texts"] == {"en": {"rewards": "Treats"}, "id": {}}
    assert response.json["widget"]["accent_color"] == "#0f766e"
    last = api.get("/settings/changes").json["items"][0]["changes"]
    assert last == {"widget.texts": {"from": first, "to": {"en": {"rewards": "Treats"}, "id": {}}}}


def test_same_widget_values_are_not_recorded_again(api: Any) -> None:
    api.patch("/settings", {"widget": {"position": "bottom-left"}})
    api.patch("/settings", {"widget": {"position": "bottom-left", "texts": {"en": {}, "id": {}}}})
    assert len(api.get("/settings/changes").json["items"]) == 1


@pytest.mark.parametrize(
    ("widget", "path"),
    [
        ({"accent_color": "red"}, ["accent_color"]),
        ({"accent_color": "#0f766"}, ["accent_color"]),
        ({"accent_color": "#0f766e0"}, ["accent_color"]),
        ({"accent_color": "#0f766e\n"}, ["accent_color"]),
        ({"accent_color": "#gg0000"}, ["accent_color"]),
        ({"accent_color": "0f766e"}, ["accent_color"]),
        ({"accent_color": 123456}, ["accent_color"]),
        ({"position": "top-left"}, ["position"]),
        ({"position": None}, ["position"]),
        ({"texts": {"fr": {"title": "Points"}}}, ["texts", "fr"]),
        ({"texts": {"en": {"headline": "Points"}}}, ["texts", "en", "headline"]),
        ({"texts": {"en": {"title": ""}}}, ["texts", "en", "title"]),
        ({"texts": {"en": {"title": "   "}}}, ["texts", "en", "title"]),
        ({"texts": {"en": {"title": "x" * 81}}}, ["texts", "en", "title"]),
        ({"texts": {"id": {"join": 5}}}, ["texts", "id", "join"]),
        ({"texts": {"en": "Points"}}, ["texts", "en"]),
        ({"texts": None}, ["texts"]),
        ({"colour": "#000000"}, ["colour"]),
        ({"position": "bottom-left", "accent_color": "blue"}, ["accent_color"]),
    ],
)
def test_bad_widget_settings_are_422_and_change_nothing(api: Any, widget: dict[str, Any], path: list[str]) -> None:
    before = api.get("/settings").json
    response = api.patch("/settings", {"widget": widget, "pending_days": 7})
    assert response.status_code == 422
    assert set(response.json) == {"error", "details"}
    details = response.json["details"]["widget"]
    for name in path:
        assert name in details, (name, response.json)
        details = details[name]
    assert api.get("/settings").json == before
    assert api.get("/settings/changes").json == {"items": [], "total": 0}


def test_widget_must_be_an_object(api: Any) -> None:
    before = api.get("/settings").json
    response = api.patch("/settings", {"widget": "blue"})
    assert response.status_code == 422
    assert "widget" in response.json["details"]
    assert api.get("/settings").json == before


def test_eighty_characters_are_allowed(api: Any) -> None:
    texts = {"en": {"title": "x" * 80, "join": "j", "rewards": "r"}, "id": {}}
    assert api.patch("/settings", {"widget": {"texts": texts}}).json["widget"]["texts"] == texts
