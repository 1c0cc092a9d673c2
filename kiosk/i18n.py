"""Translations: UI strings through gettext catalogues (Babel), plural-aware; content fields by language."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

#: Where the UI catalogues live: locale/<language>/LC_MESSAGES/kiosk.po (msgids are French).
LOCALE_DIR = Path(__file__).parent / "locale"
#: The calls that mark UI strings for extraction: ``tr("...")`` translates now, ``N_`` later,
#: ``tr.ngettext(singular, plural, count)`` picks the form the count needs.
KEYWORDS = {"tr": None, "N_": None, "ngettext": (1, 2)}
#: French, the language of the msgids: one for 0 and 1, several from 2 (CLDR's "one" and "other").
FRENCH_PLURAL = "(n > 1)"
_french_form = gettext.c2py(FRENCH_PLURAL)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a French UI string for the catalogues without translating it here."""
    return message


def ui_messages() -> list[str]:
    """Every French UI string of the kiosk's code (both forms of a plural), as Babel extracts them."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, None] = {}
    package = Path(__file__).parent
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if isinstance(text, str):
                found[text] = None
    return list(found)


class Translator:
    """Translates the kiosk's French UI strings into one language; unknown strings stay French."""

    def __init__(
        self,
        language: str,
        messages: dict[str, str],
        plurals: dict[str, tuple[str, ...]] | None = None,
        plural_rule: str = FRENCH_PLURAL,
    ) -> None:
        self.language = language
        self._messages = messages
        #: French singular -> the translated forms, in the catalogue's order.
        self._plurals = plurals or {}
        self._form: Callable[[int], int] = gettext.c2py(plural_rule)

    def __call__(self, message: str, **values: object) -> str:
        text = self._messages.get(message) or message
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form of the message that ``n`` needs ("1 seconde", "2 secondes"; six in Arabic)."""
        forms = self._plurals.get(singular)
        if forms and all(forms):
            text = forms[min(self._form(n), len(forms) - 1)]
        else:
            text = singular if _french_form(n) == 0 else plural
        return text.format(**values)


@cache
def translator(language: str) -> Translator:
    """The translator for ``language``, read once from its catalogue."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    if language == "fr" or not path.exists():
        return Translator(language, {})
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        # A fuzzy entry is pybabel's guess for a changed string: never shown to a citizen.
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list) and isinstance(message.string, tuple | list):
            plurals[message.id[0]] = tuple(message.string)
        elif isinstance(message.id, str) and isinstance(message.string, str):
            messages[message.id] = message.string
    return Translator(language, messages, plurals, catalog.plural_expr)


def localized(text: dict[str, str], language: str) -> tuple[str, bool]:
    """The text in ``language``, else French; the flag says French was used instead."""
    if language in text:
        return text[language], False
    return text["fr"], language != "fr"


class ContentReader:
    """Reads content fields in one language; a field without it is read in French, and noted."""

    def __init__(self, language: str) -> None:
        self.language = language
        #: Some field read so far exists only in French.
        self.fell_back = False

    def __call__(self, text: dict[str, str]) -> str:
        return self.read(text)[0]

    def read(self, text: dict[str, str]) -> tuple[str, str | None]:
        """The text, and "fr" when it is the French of a field missing in the session's language
        (the voice then reads it in French); None when it is in the session's language."""
        value, used_french = localized(text, self.language)
        self.fell_back = self.fell_back or used_french
        return value, "fr" if used_french else None
