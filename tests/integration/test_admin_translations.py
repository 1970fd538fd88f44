"""The Indonesian catalog is complete and compiled: every text the merchant pages use has been
extracted, every msgid has its translation, and the committed .mo says what the .po says."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from integrator.config import ROOT

CATALOG = ROOT / "integrator" / "translations" / "id" / "LC_MESSAGES"
METHODS = [("integrator/**.py", "python"), ("integrator/admin/templates/**.html", "jinja2")]


def po_catalog():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle, locale="id")


def translated(string: str | tuple[str, ...]) -> bool:
    """A msgstr, or every msgstr[n] of a plural entry, is filled in."""
    return all(string) if isinstance(string, tuple) else bool(string)


def test_every_msgid_has_an_indonesian_translation() -> None:
    catalog = po_catalog()
    untranslated = [message.id for message in catalog if message.id and not translated(message.string)]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert len(catalog) > 20
    assert untranslated == [] and fuzzy == []


def test_every_text_in_the_code_is_in_the_catalog() -> None:
    """Run `make translations` after adding a text: this fails until its msgid is in the .po."""
    extracted = {
        message[2]
        for message in extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "_l": None, "gettext": None})
    }
    extracted = {text if isinstance(text, str) else text[0] for text in extracted}
    missing = sorted(extracted - {message.id for message in po_catalog() if isinstance(message.id, str)})
    assert missing == []


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_committed_mo_matches_the_po() -> None:
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = {_key(message.id): _key(message.string) for message in read_mo(handle) if message.id}
    written = {_key(message.id): _key(message.string) for message in po_catalog() if message.id and not message.fuzzy}
    assert compiled == written
