"""Line breaks a reader expects: ":", "?", "!", ";", "%" and "»" stay on the line of their word."""

from __future__ import annotations

import re

#: U+00A0: every shipped font draws it; Kivy breaks lines at ordinary spaces only.
NO_BREAK_SPACE = "\u00a0"
_BEFORE_MARK = re.compile(r" +(?=[:;?!%»])")
_AFTER_QUOTE = re.compile(r"(?<=«) +")


def keep_together(text: str) -> str:
    """``text`` for display, with the spaces French typography never breaks made no-break.

    "Taille du texte : 200 %" never ends a line with "texte" or "200" and starts the next with
    ":" or "%". For display only: speech and the catalogues keep ordinary spaces.
    """
    if " " not in text:
        return text
    return _AFTER_QUOTE.sub(NO_BREAK_SPACE, _BEFORE_MARK.sub(NO_BREAK_SPACE, text))
