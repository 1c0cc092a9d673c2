"""Which code page the receipt is printed in, and French text encoded for it (accents and the euro).

python-escpos can guess a code page per character and switch pages as it goes; we choose one
explicitly instead (CP858 where the printer has it: CP850's accents plus the euro sign), select
it once after ESC @, and encode every line ourselves, so the bytes on paper are known.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Code pages in order of preference, with the Python codec that encodes them: each has the
#: French accented letters; all but CP850 and CP437 have "€".
PREFERRED_CODE_PAGES = (
    ("CP858", "cp858"),
    ("CP1252", "cp1252"),
    ("ISO_8859-15", "iso8859_15"),
    ("CP850", "cp850"),
    ("CP437", "cp437"),
)
#: Characters no code page above has (or not all of them), written the way French typing does
#: without them.
TRANSLITERATIONS = {
    "œ": "oe",
    "Œ": "OE",
    "€": "EUR",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\u202f": " ",  # the narrow no-break space French typography puts before ":" and "?"
    "\u00a0": " ",
}
#: What stands for a character nothing can print.
REPLACEMENT = "?"


@dataclass(frozen=True)
class CodePage:
    """A printer code page: its name, its number for ESC t n, and the Python codec for it."""

    name: str
    number: int
    codec: str

    @property
    def select(self) -> bytes:
        """ESC t n: select this code page."""
        return b"\x1bt" + bytes((self.number,))

    def can_encode(self, character: str) -> bool:
        try:
            character.encode(self.codec)
        except UnicodeEncodeError:
            return False
        return True

    def covers(self, text: str) -> bool:
        """Whether every character of ``text`` prints as itself or as its usual substitute."""
        return REPLACEMENT.encode(self.codec) not in self.encode(text.replace(REPLACEMENT, ""))

    def encode(self, text: str) -> bytes:
        """``text`` in this code page: control characters dropped (they would be commands), then
        each character as itself, else transliterated, else without its accent, else "?"."""
        out = bytearray()
        for character in text:
            if unicodedata.category(character) == "Cc":
                continue
            out += self._encode_character(character)
        return bytes(out)

    def _encode_character(self, character: str) -> bytes:
        if self.can_encode(character):
            return character.encode(self.codec)
        substitute = TRANSLITERATIONS.get(character)
        if substitute is not None and all(self.can_encode(c) for c in substitute):
            return substitute.encode(self.codec)
        base = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        if base and base != character and all(self.can_encode(c) for c in base):
            return base.encode(self.codec)
        return REPLACEMENT.encode(self.codec)


def choose_code_page(available: dict[str, int | str]) -> CodePage:
    """The preferred code page among those a printer has (python-escpos's ``{name: number}``);
    CP437, the power-on default (number 0), when it has none of them."""
    for name, codec in PREFERRED_CODE_PAGES:
        if name in available:
            return CodePage(name, int(available[name]), codec)
    return CodePage("CP437", 0, "cp437")
