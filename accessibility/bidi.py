"""Right-to-left display: Arabic letters joined (reshaped) and put in visual order for drawing."""

from __future__ import annotations

import re
from collections.abc import Callable

from arabic_reshaper import reshape
from bidi import get_display

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
#: A lam (any presentation form) drawn just left of an alef (any form): in visual order, the
#: letters of a logical alef then lam ("ـالـ" in الحالة, رسالة). A real lam-alef is one
#: character once reshaped, so this pair is never meant to be a ligature.
_LAM_BEFORE_ALEF = re.compile("([\ufedd-\ufee0])(?=[\ufe81-\ufe84\ufe87\ufe88\ufe8d\ufe8e])")
#: Zero-width non-joiner: HarfBuzz forms no ligature across it and draws nothing.
_ZWNJ = "\u200c"


def needs_shaping(text: str) -> bool:
    return bool(_ARABIC.search(text))


def for_display(text: str) -> str:
    """Text ready for a left-to-right renderer; unchanged when it holds no Arabic letter.

    For display only: never feed the result to a text input or to speech.
    """
    if not needs_shaping(text):
        return text
    # Kivy's SDL_ttf shapes with HarfBuzz, which applies the font's required lam-alef ligature to
    # the visual order too: a lam and an alef that only stand side by side because the line was
    # reversed would merge (الحالة drawn as الحـلاة). A non-joiner between them keeps them apart.
    return _LAM_BEFORE_ALEF.sub("\\1" + _ZWNJ, get_display(reshape(text)))


def wrap_for_display(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` ready to draw left to right, each at most ``width`` wide when it can be.

    Arabic must be wrapped in logical order first (``measure`` gives the drawn width of a
    logical string), then each line reshaped and reordered: reordering a whole paragraph and
    letting the renderer wrap it puts the lines in reverse order.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        # Ordinary spaces only: a no-break space (accessibility.typography) keeps its words together.
        for word in paragraph.split(" "):
            if not word:
                continue
            candidate = " ".join([*current, word])
            if current and measure(candidate) > width:
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        lines.append(" ".join(current))
    return [for_display(line) for line in lines]
