"""The kiosk's fonts and which one draws a text: Kivy has no font fallback, so we choose per text."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fontTools.ttLib import TTFont

_ATKINSON = files("fontpkg_atkinson_hyperlegible") / "files"
#: Atkinson Hyperlegible (OFL 1.1): made for low-vision readers; Latin only.
READING_FONT = str(_ATKINSON / "AtkinsonHyperlegible-Regular.ttf")
READING_FONT_BOLD = str(_ATKINSON / "AtkinsonHyperlegible-Bold.ttf")
#: Noto Sans (OFL 1.1): Latin, Greek and Cyrillic for letters Atkinson lacks (Ukrainian, ...).
WIDE_FONT = str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf")
#: Noto Sans Arabic (OFL 1.1) with the Arabic presentation forms that reshaped text uses.
ARABIC_FONT = str(files("fontpkg_noto_sans_arabic") / "files" / "NotoSansArabic[wdth,wght].ttf")


@cache
def characters(font: str) -> frozenset[int]:
    """The code points ``font`` has a glyph for."""
    with TTFont(font, lazy=True) as loaded:
        return frozenset(loaded.getBestCmap())


def covers(font: str, text: str) -> bool:
    available = characters(font)
    return all(ord(character) in available for character in text if not character.isspace())


def font_for(text: str, preferred: str) -> str:
    """``preferred`` when it has every letter of ``text``, else the first shipped font that does."""
    for font in (preferred, WIDE_FONT, ARABIC_FONT):
        if covers(font, text):
            return font
    return preferred
