"""The merchant pages' language (Flask-Babel): the signed-in shop's language, English or Indonesian;
before sign-in, the browser's preference. Catalogs live in integrator/translations/ (`make translations`)."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

from integrator.config import ROOT

LANGUAGES = ("en", "id")
babel = Babel()


def language_of(shop_language: str | None) -> str:
    """Indonesian for "id", "id-ID" and "id_ID"; English for anything else."""
    code = (shop_language or "en").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def use_shop_language(shop_language: str | None) -> None:
    """Render the rest of this request in the shop's language."""
    g.setia_locale = language_of(shop_language)


def _select_locale() -> str:
    chosen = g.get("setia_locale")
    if chosen:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_i18n(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "integrator" / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    babel.init_app(app, locale_selector=_select_locale)
