"""Text made ready for the voice, per language: hours, dates, amounts, postcodes, acronyms, web addresses.

A synthesiser reads what it is given: "8 h 30" as "8 h 30", "29/09/2025" as three numbers and
two slashes, "ANTS" as a word, a web address letter by letter or as one long noise. The speech
manager passes every piece of text through :func:`for_speech` just before the engine, so the
screen and the catalogues keep the written form and only the voice gets the spoken one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["for_speech"]

_MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split(),
}
#: How each language says the parts of a web address and an amount.
_WORDS = {
    "fr": {"dot": "point", "euros": "euros", "number": "numéro", "hour": "heure", "hours": "heures"},
    "en": {"dot": "dot", "euros": "euros", "number": "number", "hour": "o'clock", "hours": "o'clock"},
    "ar": {"dot": "نقطة", "euros": "يورو", "number": "رقم", "hour": "", "hours": ""},
}
#: Acronyms said letter by letter, or as the word people say ("la CAF" is said "la caf").
_ACRONYMS = {
    "ANTS": "A N T S",
    "CNI": "C N I",
    "CPAM": "C P A M",
    "MSA": "M S A",
    "RSA": "R S A",
    "QR": "Q R",
    "CAF": "caf",
}
#: Short endings of web addresses said letter by letter ("fr" is "f r", not a word).
_SPELLED_ENDINGS = {"fr", "eu", "org", "net"}

_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+(?:fr|com|org|net|eu))\b(?:/[^\s,،)]*)?",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_HOUR_MINUTES = re.compile(r"\b(\d{1,2}) ?h ?(\d{2})\b")
_HOUR = re.compile(r"\b(\d{1,2}) ?h\b(?!\w)")
_AMOUNT_CENTS = re.compile(r"\b(\d+)[,.](\d{2}) ?(?:€|euros?\b)")
_AMOUNT = re.compile(r"\b(\d+) ?€")
_POSTCODE = re.compile(r"\b(\d{2})(\d)(\d)(\d)\b(?= [A-ZÉÈÀ])")
_NUMERO = re.compile(r"\bn° ?", re.IGNORECASE)
_ACRONYM = re.compile(r"\b(" + "|".join(_ACRONYMS) + r")\b")


def _web_address(language: str) -> Callable[[re.Match[str]], str]:
    dot = f" {_WORDS[language]['dot']} "

    def say(match: re.Match[str]) -> str:
        parts = match.group(1).lower().split(".")
        words = [" ".join(part) if part in _SPELLED_ENDINGS else part.replace("-", " ") for part in parts]
        return dot.join(words)

    return say


def _date(language: str) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if not 1 <= month <= 12:
            return match.group(0)
        first = "1er" if language == "fr" and day == 1 else str(day)
        return f"{first} {_MONTHS[language][month - 1]} {year}"

    return say


def _hours(language: str, text: str) -> str:
    if language == "ar":
        return text
    words = _WORDS[language]
    if language == "en":
        text = _HOUR_MINUTES.sub(r"\1:\2", text)
        return _HOUR.sub(lambda m: f"{m.group(1)} {words['hours']}", text)

    def hour(value: str) -> str:
        return f"{value} {words['hour'] if value in ('0', '1') else words['hours']}"

    text = _HOUR_MINUTES.sub(lambda m: f"{hour(m.group(1))} {m.group(2)}", text)
    return _HOUR.sub(lambda m: hour(m.group(1)), text)


def for_speech(text: str, language: str) -> str:
    """``text`` as the voice of ``language`` should read it (the written form stays on screen)."""
    language = language if language in _WORDS else "fr"
    words = _WORDS[language]
    text = _URL.sub(_web_address(language), text)
    text = _DATE.sub(_date(language), text)
    text = _hours(language, text)
    text = _AMOUNT_CENTS.sub(lambda m: f"{m.group(1)} {words['euros']} {m.group(2)}", text)
    text = _AMOUNT.sub(lambda m: f"{m.group(1)} {words['euros']}", text)
    text = _POSTCODE.sub(r"\1 \2 \3 \4", text)
    text = _NUMERO.sub(words["number"] + " ", text)
    return _ACRONYM.sub(lambda m: _ACRONYMS[m.group(1)], text)
