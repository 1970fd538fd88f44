"""English left on a page meant to be Indonesian: every text the page shows (text nodes, and the
names a screen reader reads: aria-label, title, placeholder, alt, value of buttons) compared with the
catalog's English messages that have an Indonesian translation of their own. A text that reads
exactly as one of them (placeholders standing for any value) is an English fallback. Not counted:
code (a CSV column's name), and a part marked as written in another language (`lang`: the language
switch's "English", the widget preview in the shop's language)."""

from __future__ import annotations

import functools
import re
from typing import Any

from babel.messages.pofile import read_po

from integrator.config import ROOT

CATALOG = ROOT / "integrator" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")
SHOWN_TEXTS = """() => {
  const out = [];
  // A text marked as written in another language (the switch's "English") is meant to be so.
  const other = (el) => { const marked = el?.closest('[lang]'); return marked && marked !== document.documentElement; };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement?.closest('script, style, noscript, template, code, pre, kbd, samp')
      || other(node.parentElement) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  while (walk.nextNode()) out.push(walk.currentNode.textContent);
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[type=submit]')) {
    if (other(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (el.hasAttribute(name) && (name !== 'value' || el.type === 'submit')) out.push(el.getAttribute(name));
    }
  }
  out.push(document.title);
  return out;
}"""


@functools.cache
def _english() -> tuple[set[str], list[re.Pattern[str]]]:
    """The English messages whose Indonesian differs: plain ones, and patterns for those with values."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    plain: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings or len(english) < 3:
                continue  # the same in both languages ("Email", "Cashback"), or too short to tell
            if PLACEHOLDER.search(english):
                parts = [re.escape(part) for part in PLACEHOLDER.split(english)]
                literal = "".join(part for part in PLACEHOLDER.split(english))
                if len(literal.strip()) >= 6:  # enough words of its own to be recognised
                    patterns.append(re.compile(".+?".join(parts)))
            else:
                plain.add(english)
    return plain, patterns


def english_left(page: Any) -> list[str]:
    """The texts on the page that are an English message of the catalog."""
    plain, patterns = _english()
    found = []
    for text in page.evaluate(SHOWN_TEXTS):
        shown = " ".join(str(text or "").split())
        if not shown:
            continue
        if shown in plain or any(pattern.fullmatch(shown) for pattern in patterns):
            found.append(shown)
    return found
