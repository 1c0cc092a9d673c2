"""What the ``kiosk card`` command does: list readers, read a card, parse an MRZ (printable text or JSON).

Errors come as ``CardError`` or ``ValueError`` whose message is one clear line. Reading prints
the card holder's data on purpose (it is the command's job): never run it with logs collected.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from devices.idcard import lds, mrz
from devices.idcard.factory import create_reader
from devices.idcard.types import AccessKey, Can, CardError, CardFault, IdentityDocument, ReadReport

#: Seconds ``read_card`` waits for a card on the reader.
CARD_WAIT_SECONDS = 10.0


def list_readers() -> list[str]:
    """The PC/SC readers pcscd sees; CardError(READER_MISSING) without pyscard or pcscd."""
    from devices.idcard.pcsc import list_readers as pcsc_readers

    return pcsc_readers()


def parse_access(text: str) -> AccessKey:
    """A CAN ("123456") or MRZ data ("DOCUMENT NUMBER,YYMMDD,YYMMDD": birth, then expiry date)."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return Can(text)
    if "," in text:
        return mrz.parse_key(text)
    raise ValueError('give the 6-digit CAN, or the MRZ data as "DOCUMENT NUMBER,YYMMDD,YYMMDD"')


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def document_fields(document: IdentityDocument) -> dict[str, Any]:
    photo = document.photo
    return {
        "document_code": document.document_code,
        "issuing_state": document.issuing_state,
        "document_number": document.document_number,
        "surname": document.surname,
        "given_names": document.given_names,
        "nationality": document.nationality,
        "birth_date": _date(document.birth_date),
        "sex": document.sex,
        "expiry_date": _date(document.expiry_date),
        "photo": None if photo is None else {"format": lds.image_kind(photo), "bytes": len(photo)},
    }


def report_fields(report: ReadReport) -> dict[str, Any]:
    authentication = report.passive_authentication
    return {
        "protocol": report.protocol,
        "apdus": report.apdus,
        "seconds": round(report.seconds, 3),
        "passive_authentication": None
        if authentication is None
        else {
            "hashes_match": authentication.hashes_match,
            "signature_valid": authentication.signature_valid,
            "csca_trusted": authentication.csca_trusted,
            "passed": authentication.passed,
            "detail": authentication.detail,
        },
    }


def _shown(value: object) -> object:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _lines(fields: dict[str, Any], indent: str = "") -> list[str]:
    out = []
    for name, value in fields.items():
        if isinstance(value, dict):
            out.append(f"{indent}{name}:")
            out += _lines(value, indent + "  ")
        else:
            out.append(f"{indent}{name}: {_shown(value)}")
    return out


def read_card(
    access: str,
    reader: str | None = None,
    csca: str | None = None,
    as_json: bool = False,
    *,
    kind: str = "pcsc",
    timeout: float = CARD_WAIT_SECONDS,
) -> str | dict[str, Any]:
    """Reads the card on ``reader`` (a PC/SC reader's name or part of it; by default the first
    contactless one) with a CAN or MRZ data; checks EF.SOD against ``csca`` when given.

    ``kind="simulated"`` reads the simulator's demo card instead (CAN 123456).
    """
    key = parse_access(access)
    options: dict[str, Any] = {"csca": csca} if csca else {}
    if kind == "pcsc" and reader:
        options["reader"] = reader
    card_reader = create_reader(kind, **options)
    if not card_reader.is_usable():
        raise CardError(
            CardFault.READER_MISSING, "no usable card reader (is pcscd running, the reader plugged in?)"
        )
    if not card_reader.wait_for_card(timeout):
        raise CardError(CardFault.NO_CARD, f"no card on the reader within {timeout:g} s")
    document, report = card_reader.read(key)
    result = {"document": document_fields(document), **report_fields(report)}
    return result if as_json else "\n".join(_lines(result))


def parse_mrz_text(text: str, as_json: bool = False) -> str | dict[str, Any]:
    """The fields of an MRZ typed or scanned as text (lines separated by newlines)."""
    parsed = mrz.parse(text)
    result = {"format": parsed.format.value, "document": document_fields(parsed.document)}
    if parsed.has_chip_key:
        result["mrz_information"] = mrz.mrz_information(parsed.key())
    return result if as_json else "\n".join(_lines(result))


def describe_error(error: CardError | ValueError) -> str:
    """The one line to print for a failed command."""
    if isinstance(error, CardError):
        tries = f" ({error.tries_left} tries left)" if error.tries_left is not None else ""
        return f"card error: {error}{tries}"
    return f"error: {error}"
