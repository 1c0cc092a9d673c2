"""The UI catalogues: every French string of the code is translated, placeholders intact."""

from __future__ import annotations

import re
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from kiosk.i18n import LOCALE_DIR, localized, translator, ui_messages

#: The languages whose catalogues must be complete.
LANGUAGES = ["en", "ar"]
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def catalogue(language: str) -> Catalog:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    assert path.exists(), f"no catalogue {path}: see docs/translations.md"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def translated(catalog: Catalog) -> dict[str, str]:
    """msgid -> translation, without the empty and the fuzzy ones (a fuzzy entry is a guess)."""
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.string, str) and message.string.strip() and not message.fuzzy
    }


def translated_plurals(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Each form of a plural message (singular and plural msgid) -> its translated forms, when
    every form is translated and the entry is not fuzzy."""
    found: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if isinstance(message.id, tuple) and not message.fuzzy and all(s.strip() for s in message.string):
            for form in message.id:
                found[form] = tuple(message.string)
    return found


def translations(language: str) -> dict[str, str]:
    return translated(catalogue(language))


def placeholders(text: str) -> set[str]:
    """The names of the {placeholders} that str.format fills in ``text``."""
    return {name for _literal, name, _spec, _conversion in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ui_string_is_translated(language: str) -> None:
    catalog = catalogue(language)
    translated = {**translated_plurals(catalog), **translations(language)}
    missing = [message for message in ui_messages() if message not in translated]
    assert not missing, (
        f"{len(missing)} UI string(s) have no {language} translation (empty or fuzzy) in "
        f"kiosk/locale/{language}/LC_MESSAGES/kiosk.po. Run `make translations`, then translate:\n"
        + "\n".join(f"  - {message!r}" for message in missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = [
        f"  - {message!r} {sorted(placeholders(message))} -> {text!r} {sorted(placeholders(text))}"
        for message, text in translations(language).items()
        if placeholders(text) != placeholders(message)
    ]
    assert not wrong, f"{language}: translations must keep the msgid's placeholders:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_translations_have_every_form_and_keep_the_count(language: str) -> None:
    catalog = catalogue(language)
    plurals = [message for message in catalog if isinstance(message.id, tuple)]
    assert plurals, "the kiosk has plural messages: the catalogue must hold them"
    for message in plurals:
        names = placeholders(message.id[1])
        assert len(message.string) == catalog.num_plurals, message.id
        # A form may say the number in words ("une seconde", "ثانيتين"); the general form keeps it.
        assert all(placeholders(form) <= names for form in message.string), message.string
        assert placeholders(message.string[-1]) == names, message.string


def test_a_count_picks_the_form_its_language_needs() -> None:
    singular, plural = "{count} démarche chargée", "{count} démarches chargées"
    french = translator("fr")
    assert [french.ngettext(singular, plural, n, count=n) for n in (0, 1, 2)] == [
        "0 démarche chargée",
        "1 démarche chargée",
        "2 démarches chargées",
    ]
    english = translator("en")
    assert english.ngettext(singular, plural, 1, count=1) == "1 procedure loaded"
    assert english.ngettext(singular, plural, 0, count=0) == "0 procedures loaded"
    arabic = [translator("ar").ngettext(singular, plural, n, count=n) for n in (1, 2, 3, 11, 100)]
    assert len(set(arabic)) == 5 and "3" in arabic[2] and "11" in arabic[3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header(language: str) -> None:
    catalog = catalogue(language)
    assert str(catalog.locale) == language
    assert catalog.charset.lower() == "utf-8"
    assert "nplurals=" in catalog.plural_forms


def test_the_arabic_catalogue_is_used() -> None:
    home = translator("ar")("Accueil")
    assert home != "Accueil"
    assert _ARABIC_LETTER.search(home), home


def test_a_fuzzy_entry_counts_as_missing() -> None:
    catalog = Catalog(locale="en")
    catalog.add("Accueil", "Home")
    catalog.add("Retour", "Back", flags=["fuzzy"])  # what `pybabel update` guesses for a changed msgid
    catalog.add("Aide", "")
    assert translated(catalog) == {"Accueil": "Home"}


def test_content_falls_back_to_french_with_the_flag() -> None:
    assert localized({"fr": "x"}, "en") == ("x", True)
    assert localized({"fr": "x", "en": "y"}, "en") == ("y", False)
    assert localized({"fr": "x"}, "fr") == ("x", False)
