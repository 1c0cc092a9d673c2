"""MRZ: the ICAO check-digit vectors, the TD1 specimen, the old French card, and any input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import mrz
from devices.idcard.types import MrzKey

TODAY = dt.date(2026, 11, 30)
TD1_SPECIMEN = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
OLD_FRENCH = "IDFRAPETE<<<<<<<<<<<<<<<<<<<<<952042\n0509952018746NICOLAS<<PAUL<8206152M3"


@pytest.mark.parametrize(
    ("field", "digit"),
    [
        ("L898902C<", "3"),
        ("690806", "1"),
        ("940623", "6"),
        ("D23145890", "7"),
        ("740812", "2"),
        ("120415", "9"),
    ],
)
def test_check_digits_of_the_icao_examples(field: str, digit: str) -> None:
    assert mrz.check_digit(field) == digit


def test_td1_specimen_parses_into_its_fields() -> None:
    parsed = mrz.parse(TD1_SPECIMEN, TODAY)
    document = parsed.document
    assert parsed.format is mrz.MrzFormat.TD1
    assert (document.document_code, document.issuing_state, document.document_number) == (
        "I",
        "UTO",
        "D23145890",
    )
    assert (document.surname, document.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (document.nationality, document.sex) == ("UTO", "F")
    assert document.birth_date == dt.date(1974, 8, 12)
    assert document.expiry_date == dt.date(2012, 4, 15)
    assert mrz.mrz_information(parsed.key()) == "D23145890774081221204159"


def test_td1_specimens_composite_check_digit_is_checked() -> None:
    assert TD1_SPECIMEN.splitlines()[1][-1] == "6"
    broken = TD1_SPECIMEN.replace("<<<<<<6\n", "<<<<<<5\n")
    with pytest.raises(ValueError, match="whole MRZ"):
        mrz.parse(broken, TODAY)


def test_old_french_identity_card() -> None:
    parsed = mrz.parse(OLD_FRENCH, TODAY)
    document = parsed.document
    assert parsed.format is mrz.MrzFormat.FRENCH_ID
    assert document.document_number == "050995201874"
    assert (document.surname, document.given_names) == ("PETE", "NICOLAS, PAUL")
    assert document.birth_date == dt.date(1982, 6, 15)
    assert (document.sex, document.nationality, document.issuing_state) == ("M", "FRA", "FRA")
    assert document.expiry_date is None  # not in this MRZ
    assert not parsed.has_chip_key
    with pytest.raises(ValueError, match="no chip key"):
        parsed.key()


@pytest.mark.parametrize(
    ("position", "field"), [(12, "document number"), (33, "birth date"), (35, "whole MRZ")]
)
def test_old_french_check_digits_are_checked(position: int, field: str) -> None:
    first, second = OLD_FRENCH.splitlines()
    wrong = str((int(second[position]) + 1) % 10)
    with pytest.raises(ValueError, match=field):
        mrz.parse(first + "\n" + second[:position] + wrong + second[position + 1 :], TODAY)


def test_bac_mrz_information_of_the_icao_example() -> None:
    key = MrzKey("L898902C", dt.date(1969, 8, 6), dt.date(1994, 6, 23))
    assert mrz.mrz_information(key) == "L898902C<369080619406236"
    assert mrz.mrz_information(mrz.parse_key("L898902C,690806,940623", TODAY)) == "L898902C<369080619406236"


def test_td3_composes_and_parses_back() -> None:
    document = mrz.parse(TD1_SPECIMEN, TODAY).document
    text = mrz.compose_td3(document)
    assert [len(line) for line in text.splitlines()] == [44, 44]
    assert mrz.parse(text, TODAY).document == document


def test_td1_document_number_longer_than_nine_characters() -> None:
    number, extension = "D23145890", "123"
    line1 = "I<UTO" + number + "<" + extension + mrz.check_digit(number + extension)
    line1 = line1.ljust(30, "<")
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += mrz.check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    parsed = mrz.parse("\n".join([line1, line2, "ERIKSSON<<ANNA<<<<<<<<<<<<<<<<"]), TODAY)
    assert parsed.document_number == number + extension
    assert mrz.mrz_information(parsed.key()).startswith(
        number + extension + mrz.check_digit(number + extension)
    )


def test_names_with_accents_are_transliterated() -> None:
    assert mrz.transliterate("Maëlys-Gaëlle D'Arc") == "MAELYS<GAELLE<D<ARC"


def test_errors_name_the_field_never_the_value() -> None:
    with pytest.raises(ValueError) as caught:
        mrz.parse(TD1_SPECIMEN.replace("D231458907", "D231458908"), TODAY)
    assert "D2314" not in str(caught.value)
    assert "document number" in str(caught.value)


@pytest.mark.parametrize("text", ["", "123", "ABC\nDEF", "é" * 30 + "\n" + "<" * 30 + "\n" + "<" * 30])
def test_not_an_mrz(text: str) -> None:
    with pytest.raises(ValueError):
        mrz.parse(text, TODAY)


@pytest.mark.parametrize(
    "text", ["L898902C", "L898902C,690806", "L898902C,691306,940623", "L89-8902C,690806,940623"]
)
def test_bad_mrz_keys(text: str) -> None:
    with pytest.raises(ValueError):
        mrz.parse_key(text, TODAY)


@given(st.text())
def test_any_text_is_parsed_or_refused_with_a_value_error(text: str) -> None:
    try:
        mrz.parse(text, TODAY)
    except ValueError:
        pass


MRZ_CHARACTERS = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")


@given(
    st.sampled_from([(30, 3), (36, 2), (44, 2)]).flatmap(
        lambda shape: st.lists(
            st.text(MRZ_CHARACTERS, min_size=shape[0], max_size=shape[0]),
            min_size=shape[1],
            max_size=shape[1],
        )
    ),
    st.booleans(),
)
def test_any_well_shaped_mrz_is_parsed_or_refused_with_a_value_error(lines: list[str], french: bool) -> None:
    if french and len(lines[0]) == 36:
        lines[0] = "IDFRA" + lines[0][5:]
    try:
        parsed = mrz.parse("\n".join(lines), TODAY)
    except ValueError:
        return
    if parsed.has_chip_key:
        try:
            mrz.mrz_information(parsed.key())
        except ValueError:
            pass


@given(st.text())
def test_any_mrz_key_text_is_parsed_or_refused_with_a_value_error(text: str) -> None:
    try:
        mrz.parse_key(text, TODAY)
    except ValueError:
        pass


NAMES = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12)
DATES = st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31))


@given(
    NAMES,
    NAMES,
    st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=9, max_size=9),
    DATES,
    st.dates(dt.date(2020, 1, 1), dt.date(2045, 12, 31)),
    st.sampled_from("FMX"),
    st.booleans(),
)
def test_composed_mrzs_parse_back(
    surname: str, given_name: str, number: str, birth: dt.date, expiry: dt.date, sex: str, passport: bool
) -> None:
    from devices.idcard.types import IdentityDocument

    document = IdentityDocument(
        "P" if passport else "ID", "FRA", number, surname, given_name, "FRA", birth, sex, expiry
    )
    text = mrz.compose_td3(document) if passport else mrz.compose_td1(document)
    parsed = mrz.parse(text, TODAY)
    assert parsed.document == document
    assert parsed.key() == MrzKey(number, birth, expiry)
