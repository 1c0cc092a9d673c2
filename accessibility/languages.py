"""The languages the kiosk can offer, each named in its own language, with its text direction."""

from __future__ import annotations

#: Language code -> the language's name written in that language (how a speaker recognises it).
LANGUAGE_NAMES: dict[str, str] = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "tr": "Türkçe",
    "ro": "Română",
    "uk": "Українська",
}

#: Languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar"})


def is_right_to_left(language: str) -> bool:
    return language in RIGHT_TO_LEFT
