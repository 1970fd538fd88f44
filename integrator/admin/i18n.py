"""The merchant pages' language (Flask-Babel): the merchant's own choice (the frame's language switch,
remembered in a cookie), else the signed-in shop's language, English or Indonesian; before sign-in,
the browser's preference. Catalogs live in integrator/translations/ (`make translations`)."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, refresh

from integrator.config import ROOT

LANGUAGES = ("en", "id")
LANGUAGE_COOKIE = "setia_lang"  # the merchant's choice of language for the merchant pages
babel = Babel()


def language_of(shop_language: str | None) -> str:
    """Indonesian for "id", "id-ID" and "id_ID"; English for anything else."""
    code = (shop_language or "en").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def chosen_language() -> str | None:
    """The language the merchant picked with the frame's switch, if any."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else None


def page_language(shop_language: str | None) -> str:
    """The language this page is written in (numbers and money too: one format per page)."""
    chosen = g.get("setia_locale") if has_request_context() else None
    return str(chosen) if chosen else language_of(shop_language)


def use_shop_language(shop_language: str | None) -> None:
    """Render the rest of this request in the merchant's chosen language, else the shop's."""
    g.setia_locale = chosen_language() or language_of(shop_language)
    refresh()  # a locale Flask-Babel computed earlier in this app context no longer applies


def _select_locale() -> str:
    chosen = g.get("setia_locale")
    if chosen:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_i18n(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "integrator" / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    babel.init_app(app, locale_selector=_select_locale)
