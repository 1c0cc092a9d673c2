"""Machine readable zones (ICAO 9303 parts 3–5, and the old French identity card): parse, check, compose.

``parse`` reads TD1 (3 × 30), TD2 (2 × 36), TD3 (2 × 44) and the French identity card of
1988–2021 (2 × 36, "IDFRA…") into an ``Mrz``, checking every check digit, and raises ValueError
with a message that names the field, never its value. ``mrz_information`` gives the string BAC
and PACE derive their keys from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from devices.idcard.types import IdentityDocument, MrzKey

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_ALPHABET = re.compile(r"[0-9A-Z<]*")


class MrzFormat(Enum):
    TD1 = "TD1"  #: identity cards: 3 lines of 30
    TD2 = "TD2"  #: 2 lines of 36
    TD3 = "TD3"  #: passports: 2 lines of 44
    FRENCH_ID = "FR-ID"  #: the French identity card of 1988–2021: 2 lines of 36


def _value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise ValueError("a character outside the MRZ alphabet")


def check_digit(field: str) -> str:
    """The check digit of ``field``: weights 7, 3, 1; digits, A–Z = 10–35, '<' = 0; sum mod 10."""
    total = sum(_value(char) * _WEIGHTS[index % 3] for index, char in enumerate(field))
    return str(total % 10)


def _check(field: str, digit: str, name: str) -> None:
    # A field left empty ('<<<…') may carry '<' or '0' as its check digit.
    if set(field) <= {FILLER} and digit in (FILLER, "0"):
        return
    if digit != check_digit(field):
        raise ValueError(f"the check digit of the {name} is wrong")


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return _words(surname), _words(given)


def _words(field: str) -> str:
    return " ".join(part for part in field.split(FILLER) if part)


def _date(field: str, kind: str, today: dt.date) -> dt.date | None:
    """A YYMMDD date; None when unknown ('<' or out of range). Birth dates are in the past;
    expiry dates within 50 years before or after today."""
    if len(field) != 6 or not (field.isascii() and field.isdigit()):
        return None
    year, month, day = int(field[:2]), int(field[2:4]), int(field[4:6])
    century = today.year // 100 * 100
    if kind == "birth":
        full = century + year if century + year <= today.year else century - 100 + year
    else:
        full = century + year
        if full > today.year + 50:
            full -= 100
        elif full < today.year - 50:
            full += 100
    try:
        return dt.date(full, month, day)
    except ValueError:
        return None


def _sex(char: str) -> str:
    return char if char in ("F", "M") else "X"


@dataclass(frozen=True)
class Mrz:
    """A parsed MRZ: its format, the raw fields BAC needs, and the identity document it describes."""

    format: MrzFormat
    document: IdentityDocument
    #: The raw YYMMDD fields ('' for a format without them).
    document_number: str
    birth_date_field: str
    expiry_date_field: str

    def __repr__(self) -> str:
        return f"Mrz({self.format.value}, ***)"  # never in a log or a traceback

    @property
    def has_chip_key(self) -> bool:
        """The MRZ holds what BAC and PACE need (the old French card has no expiry and no chip)."""
        return bool(self.document_number and self.birth_date_field and self.expiry_date_field)

    def key(self) -> MrzKey:
        """The MrzKey that opens the document's chip."""
        document = self.document
        if not self.has_chip_key or document.birth_date is None or document.expiry_date is None:
            raise ValueError("this MRZ has no chip key (a card without a chip, or unknown dates)")
        return MrzKey(self.document_number, document.birth_date, document.expiry_date)


def normalize(text: str) -> list[str]:
    """The MRZ's lines: blank lines and surrounding spaces dropped, letters upper-cased."""
    lines = [line.strip().replace(" ", "").upper() for line in text.strip().splitlines()]
    return [line for line in lines if line]


def parse(text: str, today: dt.date | None = None) -> Mrz:
    """The MRZ in ``text`` (lines separated by newlines); ValueError if it is not a valid MRZ."""
    if not isinstance(text, str):
        raise ValueError("an MRZ is text")
    today = today or dt.date.today()
    lines = normalize(text)
    for line in lines:
        if not _ALPHABET.fullmatch(line):
            raise ValueError("an MRZ holds only A–Z, 0–9 and '<'")
    shape = tuple(len(line) for line in lines)
    if shape == (30, 30, 30):
        return _parse_td1(lines, today)
    if shape == (44, 44):
        return _parse_td3(lines, today)
    if shape == (36, 36):
        if lines[0].startswith("IDFRA"):
            return _parse_french_id(lines, today)
        return _parse_td2(lines, today)
    raise ValueError("not an MRZ: expected 3 lines of 30, 2 of 36 or 2 of 44 characters")


def _document_number(number: str, check: str, optional: str) -> tuple[str, str, str]:
    """A number of more than 9 characters continues in the optional data (ICAO 9303-5 §4.2.2):
    its check digit is then the last character of that extension. Returns number, digit, rest."""
    if check == FILLER and optional and optional[0] != FILLER:
        extension = optional.split(FILLER)[0]
        if len(extension) < 2:
            raise ValueError("the document number's extension is malformed")
        return number + extension[:-1], extension[-1], optional[len(extension) :]
    return number.rstrip(FILLER), check, optional


def _code(field: str) -> str:
    return field.replace(FILLER, "")


def _parse_td1(lines: list[str], today: dt.date) -> Mrz:
    first, second, third = lines
    number_field, number_check = first[5:14], first[14]
    number, check, _rest = _document_number(number_field, number_check, first[15:30])
    _check(number_field if number_check != FILLER else number, check, "document number")
    birth, expiry = second[0:6], second[8:14]
    _check(birth, second[6], "birth date")
    _check(expiry, second[14], "expiry date")
    _check(first[5:30] + second[0:7] + second[8:15] + second[18:29], second[29], "whole MRZ")
    surname, given = _names(third)
    document = IdentityDocument(
        document_code=_code(first[0:2]),
        issuing_state=_code(first[2:5]),
        document_number=number,
        surname=surname,
        given_names=given,
        nationality=_code(second[15:18]),
        birth_date=_date(birth, "birth", today),
        sex=_sex(second[7]),
        expiry_date=_date(expiry, "expiry", today),
    )
    return Mrz(MrzFormat.TD1, document, number, birth, expiry)


def _parse_two_lines(lines: list[str], today: dt.date, fmt: MrzFormat) -> Mrz:
    first, second = lines
    number_field, number_check = second[0:9], second[9]
    optional_end = 42 if fmt is MrzFormat.TD3 else 35
    number, check, _rest = _document_number(number_field, number_check, second[28:optional_end])
    _check(number_field if number_check != FILLER else number, check, "document number")
    birth, expiry = second[13:19], second[21:27]
    _check(birth, second[19], "birth date")
    _check(expiry, second[27], "expiry date")
    if fmt is MrzFormat.TD3:
        _check(second[28:42], second[42], "personal number")
        composite = second[0:10] + second[13:20] + second[21:43]
    else:
        composite = second[0:10] + second[13:20] + second[21:35]
    _check(composite, second[-1], "whole MRZ")
    surname, given = _names(first[5:])
    document = IdentityDocument(
        document_code=_code(first[0:2]),
        issuing_state=_code(first[2:5]),
        document_number=number,
        surname=surname,
        given_names=given,
        nationality=_code(second[10:13]),
        birth_date=_date(birth, "birth", today),
        sex=_sex(second[20]),
        expiry_date=_date(expiry, "expiry", today),
    )
    return Mrz(fmt, document, number, birth, expiry)


def _parse_td3(lines: list[str], today: dt.date) -> Mrz:
    return _parse_two_lines(lines, today, MrzFormat.TD3)


def _parse_td2(lines: list[str], today: dt.date) -> Mrz:
    return _parse_two_lines(lines, today, MrzFormat.TD2)


def _parse_french_id(lines: list[str], today: dt.date) -> Mrz:
    """Line 1: ID, FRA, surname (25), administrative code (6). Line 2: number (12: year, month,
    département, office, sequence) + check, given names (14, '<<' between names), birth date +
    check, sex, and a final check over line 1 and line 2's first 35 characters. No expiry date:
    the card does not hold one in its MRZ, and it has no chip."""
    first, second = lines
    number = second[0:12]
    _check(number, second[12], "document number")
    birth = second[27:33]
    _check(birth, second[33], "birth date")
    _check(first + second[0:35], second[35], "whole MRZ")
    given = ", ".join(_words(name) for name in second[13:27].split("<<") if _words(name))
    document = IdentityDocument(
        document_code="ID",
        issuing_state="FRA",
        document_number=number,
        surname=_words(first[5:30]),
        given_names=given,
        nationality="FRA",
        birth_date=_date(birth, "birth", today),
        sex=_sex(second[34]),
        expiry_date=None,
    )
    return Mrz(MrzFormat.FRENCH_ID, document, number, birth, "")


# -- the key ---------------------------------------------------------------------------------


def yymmdd(date: dt.date) -> str:
    return date.strftime("%y%m%d")


def mrz_information(key: MrzKey) -> str:
    """Document number + check, birth date + check, expiry date + check (ICAO 9303-11 §9.7.2).

    A number shorter than 9 characters is padded with '<'; a longer one is used whole.
    """
    number = key.document_number.upper().replace(" ", "")
    if not number or not _ALPHABET.fullmatch(number):
        raise ValueError("a document number holds only A–Z, 0–9 and '<'")
    number = number.ljust(9, FILLER)
    birth, expiry = yymmdd(key.birth_date), yymmdd(key.expiry_date)
    return number + check_digit(number) + birth + check_digit(birth) + expiry + check_digit(expiry)


def parse_key(text: str, today: dt.date | None = None) -> MrzKey:
    """An MrzKey from "DOCNUM,YYMMDD,YYMMDD" (number, birth date, expiry date)."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 3:
        raise ValueError('MRZ data is "DOCUMENT NUMBER,YYMMDD,YYMMDD" (birth date, then expiry date)')
    number, birth, expiry = parts
    today = today or dt.date.today()
    birth_date = _date(birth, "birth", today) if len(birth) == 6 else None
    expiry_date = _date(expiry, "expiry", today) if len(expiry) == 6 else None
    if birth_date is None:
        raise ValueError("the birth date is not a YYMMDD date")
    if expiry_date is None:
        raise ValueError("the expiry date is not a YYMMDD date")
    key = MrzKey(number.upper(), birth_date, expiry_date)
    mrz_information(key)  # validates the number
    return key


# -- composing (the simulator's documents, tests) -------------------------------------------


def transliterate(text: str) -> str:
    """Upper case A–Z with '<' for spaces, hyphens and apostrophes (ICAO 9303-3 §6)."""
    plain = unicodedata.normalize("NFKD", text.upper())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    plain = plain.replace("Æ", "AE").replace("Œ", "OE").replace("ß", "SS")
    return re.sub(r"[^A-Z0-9]", FILLER, plain)


def _field(text: str, width: int) -> str:
    if len(text) > width:
        text = text[:width]
    return text.ljust(width, FILLER)


def _names_field(document: IdentityDocument, width: int) -> str:
    return _field(transliterate(document.surname) + "<<" + transliterate(document.given_names), width)


def _date_field(date: dt.date | None) -> str:
    return yymmdd(date) if date else "<<<<<<"


def compose_td1(document: IdentityDocument, optional: str = "") -> str:
    """The three TD1 lines of ``document`` (document number of at most 9 characters)."""
    number = _field(transliterate(document.document_number), 9)
    first = _field(
        _field(document.document_code, 2)
        + _field(document.issuing_state, 3)
        + number
        + check_digit(number)
        + transliterate(optional),
        30,
    )
    birth, expiry = _date_field(document.birth_date), _date_field(document.expiry_date)
    second = (
        birth
        + check_digit(birth)
        + (document.sex if document.sex in ("F", "M") else FILLER)
        + expiry
        + check_digit(expiry)
        + _field(document.nationality, 3)
        + FILLER * 11
    )
    second += check_digit(first[5:30] + second[0:7] + second[8:15] + second[18:29])
    return "\n".join([first, second, _names_field(document, 30)])


def compose_td3(document: IdentityDocument, personal_number: str = "") -> str:
    """The two TD3 (passport) lines of ``document``."""
    first = _field(document.document_code, 2) + _field(document.issuing_state, 3)
    first += _names_field(document, 39)
    number = _field(transliterate(document.document_number), 9)
    birth, expiry = _date_field(document.birth_date), _date_field(document.expiry_date)
    personal = _field(transliterate(personal_number), 14)
    second = (
        number
        + check_digit(number)
        + _field(document.nationality, 3)
        + birth
        + check_digit(birth)
        + (document.sex if document.sex in ("F", "M") else FILLER)
        + expiry
        + check_digit(expiry)
        + personal
        + check_digit(personal)
    )
    second += check_digit(second[0:10] + second[13:20] + second[21:43])
    return "\n".join([first, second])
