"""BER-TLV and APDUs: encodings of every form, and parsers that refuse bad input with ValueError only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import tlv
from devices.idcard.apdu import CommandApdu, ResponseApdu, tries_left
from devices.idcard.transport import announces_extended_length, contactless_atr, historical_bytes


@pytest.mark.parametrize(
    ("tag", "value", "encoded"),
    [
        (0x80, b"", "8000"),
        (0x5F1F, b"AB", "5F1F024142"),
        (0x7F49, bytes(127), "7F497F" + "00" * 127),
        (0x87, bytes(128), "878180" + "00" * 128),
        (0x77, bytes(300), "7782012C" + "00" * 300),
    ],
)
def test_tlv_encodings(tag: int, value: bytes, encoded: str) -> None:
    assert tlv.encode(tag, value) == bytes.fromhex(encoded)
    assert tlv.decode_one(bytes.fromhex(encoded)) == tlv.Tlv(tag, value)


def test_total_length_from_the_first_bytes_only() -> None:
    assert tlv.total_length(bytes.fromhex("7782012C0000")) == 4 + 300


def test_nested_objects() -> None:
    data = tlv.encode(0x7C, tlv.encode(0x80, b"\x01") + tlv.encode(0x81, b"\x02\x03"))
    outer = tlv.decode_one(data, 0x7C)
    assert outer.constructed
    assert [child.tag for child in outer.children()] == [0x80, 0x81]
    assert tlv.find(outer.value, 0x81) == b"\x02\x03"
    assert tlv.find(outer.value, 0x82) is None


@pytest.mark.parametrize("data", ["", "5F", "5F1F", "8005AA", "8080", "8885FFFFFFFFFF", "9F818181818101AA"])
def test_malformed_tlv(data: str) -> None:
    with pytest.raises(ValueError):
        tlv.decode_all(bytes.fromhex(data)) if data else tlv.decode_one(b"")


def test_decode_one_checks_the_tag() -> None:
    with pytest.raises(ValueError, match="expected tag 61"):
        tlv.decode_one(tlv.encode(0x75, b""), 0x61)


@given(st.binary(max_size=300))
def test_any_bytes_are_decoded_or_refused_with_a_value_error(data: bytes) -> None:
    try:
        items = tlv.decode_all(data)
    except ValueError:
        return
    # Everything was consumed (a long-form length may re-encode shorter, never longer).
    assert sum(len(item.encode()) for item in items) <= len(data)


TAGS = st.sampled_from([0x01, 0x53, 0x80, 0x8E, 0x5F1F, 0x5F2E, 0x7F49, 0x7F2E, 0x9F8101])


@given(st.lists(st.tuples(TAGS, st.binary(max_size=400)), max_size=5))
def test_encoded_objects_decode_back(items: list[tuple[int, bytes]]) -> None:
    data = b"".join(tlv.encode(tag, value) for tag, value in items)
    assert [(item.tag, item.value) for item in tlv.decode_all(data)] == items


# -- APDUs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "encoded"),
    [
        (CommandApdu(0x00, 0xA4, 0x04, 0x0C), "00A4040C"),  # case 1
        (CommandApdu(0x00, 0xB0, 0x9C, 0x00, le=256), "00B09C0000"),  # case 2S, Le 256
        (CommandApdu(0x00, 0xA4, 0x02, 0x0C, b"\x01\x1e"), "00A4020C02011E"),  # case 3S
        (CommandApdu(0x10, 0x86, 0x00, 0x00, b"\x7c\x00", 256), "10860000027C0000"),  # case 4S
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=65536), "00B00000000000"),  # case 2E
        (CommandApdu(0x00, 0xB0, 0x00, 0x00, le=1000), "00B000000003E8"),
        (CommandApdu(0x00, 0xD6, 0x00, 0x00, bytes(300)), "00D6000000012C" + "00" * 300),  # case 3E
        (CommandApdu(0x0C, 0xB0, 0, 0, b"\x01", 65536), "0CB0000000000101" + "0000"),  # case 4E
    ],
)
def test_every_case_encodes_and_parses_back(command: CommandApdu, encoded: str) -> None:
    assert command.encode() == bytes.fromhex(encoded)
    assert CommandApdu.parse(bytes.fromhex(encoded)).encode() == bytes.fromhex(encoded)


@pytest.mark.parametrize(
    "raw", ["", "00A404", "00A4040C0201", "00A4040C0000", "00A4040C000002AA", "00A4040C0300AA"]
)
def test_malformed_commands(raw: str) -> None:
    with pytest.raises(ValueError):
        CommandApdu.parse(bytes.fromhex(raw))


def test_command_fields_are_checked() -> None:
    with pytest.raises(ValueError):
        CommandApdu(0x100, 0, 0, 0)
    with pytest.raises(ValueError):
        CommandApdu(0, 0, 0, 0, le=0)


@given(st.binary(max_size=600))
def test_any_command_bytes_parse_back_to_themselves_or_are_refused(raw: bytes) -> None:
    try:
        command = CommandApdu.parse(raw)
    except ValueError:
        return
    assert command.encode() == raw


@given(st.binary(max_size=300))
def test_any_response_bytes(raw: bytes) -> None:
    try:
        response = ResponseApdu.parse(raw)
    except ValueError:
        assert len(raw) < 2
        return
    assert response.encode() == raw


def test_tries_left() -> None:
    assert tries_left(0x63C2) == 2
    assert tries_left(0x63C0) == 0
    assert tries_left(0x6300) is None
    assert tries_left(0x9000) is None


def test_atr_card_capabilities() -> None:
    with_extended = contactless_atr(bytes.fromhex("8073C021C0"))
    assert historical_bytes(with_extended) == bytes.fromhex("8073C021C0")
    assert announces_extended_length(with_extended) is True
    assert announces_extended_length(contactless_atr(bytes.fromhex("8073C02180"))) is False
    assert announces_extended_length(bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")) is None
    assert historical_bytes(b"") == b""


@given(st.binary(max_size=40))
def test_any_atr_is_read_without_crashing(atr: bytes) -> None:
    announces_extended_length(atr)
