"""Translations: UI strings through gettext catalogues (Babel), content fields by language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

#: Where the UI catalogues live: locale/<language>/LC_MESSAGES/kiosk.po (msgids are French).
LOCALE_DIR = Path(__file__).parent / "locale"
#: The functions that mark UI strings for extraction: ``tr("...")`` translates now, ``N_`` later.
KEYWORDS = {"tr": None, "N_": None}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a French UI string for the catalogues without translating it here."""
    return message


def ui_messages() -> list[str]:
    """Every French UI string of the kiosk's code, as Babel extracts it for the catalogues."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, None] = {}
    package = Path(__file__).parent
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str):
            found[message] = None
    return list(found)


class Translator:
    """Translates the kiosk's French UI strings into one language; unknown strings stay French."""

    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self._messages = messages

    def __call__(self, message: str, **values: object) -> str:
        text = self._messages.get(message) or message
        return text.format(**values) if values else text


@cache
def translator(language: str) -> Translator:
    """The translator for ``language``, read once from its catalogue."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    messages: dict[str, str] = {}
    if language != "fr" and path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        # A fuzzy entry is pybabel's guess for a changed string: never shown to a citizen.
        messages = {m.id: m.string for m in catalog if m.id and isinstance(m.string, str) and not m.fuzzy}
    return Translator(language, messages)


def localized(text: dict[str, str], language: str) -> tuple[str, bool]:
    """The text in ``language``, else French; the flag says French was used instead."""
    if language in text:
        return text[language], False
    return text["fr"], language != "fr"
