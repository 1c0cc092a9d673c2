"""BER-TLV (ISO/IEC 7816-4 and 8825-1) encoding and decoding of the tags, lengths and values on the chip."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

#: Tags of up to 4 bytes and lengths of up to 4 bytes cover everything an eMRTD holds.
MAX_TAG_BYTES = 4
MAX_LENGTH_BYTES = 4


@dataclass(frozen=True)
class Tlv:
    """One data object: its tag (the tag bytes read as a big-endian number) and its value."""

    tag: int
    value: bytes

    def encode(self) -> bytes:
        return encode(self.tag, self.value)

    @property
    def constructed(self) -> bool:
        """The value is itself a sequence of data objects."""
        return bool(tag_bytes(self.tag)[0] & 0x20)

    def children(self) -> list[Tlv]:
        return decode_all(self.value)


def tag_bytes(tag: int) -> bytes:
    if tag < 0:
        raise ValueError("a tag is not negative")
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_length(length: int) -> bytes:
    if length < 0:
        raise ValueError("a length is not negative")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(body) > MAX_LENGTH_BYTES:
        raise ValueError("length too large")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, value: bytes) -> bytes:
    return tag_bytes(tag) + encode_length(len(value)) + value


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """``(tag, length, value_offset)`` of the object at ``offset``; ValueError if malformed.

    The value itself need not be there yet: a file's first bytes give its total length.
    """
    if offset >= len(data):
        raise ValueError("no data object here")
    start = offset
    first = data[offset]
    offset += 1
    tag = first
    if first & 0x1F == 0x1F:
        while True:
            if offset >= len(data):
                raise ValueError("truncated tag")
            byte = data[offset]
            offset += 1
            tag = (tag << 8) | byte
            if offset - start > MAX_TAG_BYTES:
                raise ValueError("tag too long")
            if not byte & 0x80:
                break
    if offset >= len(data):
        raise ValueError("missing length")
    length_byte = data[offset]
    offset += 1
    if length_byte < 0x80:
        length = length_byte
    elif length_byte == 0x80:
        raise ValueError("indefinite lengths are not used on the chip")
    else:
        count = length_byte & 0x7F
        if count > MAX_LENGTH_BYTES:
            raise ValueError("length too long")
        if offset + count > len(data):
            raise ValueError("truncated length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    return tag, length, offset


def read(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """The object at ``offset`` and the offset just after it; ValueError if malformed."""
    tag, length, value_offset = read_header(data, offset)
    end = value_offset + length
    if end > len(data):
        raise ValueError("value shorter than its length")
    return Tlv(tag, bytes(data[value_offset:end])), end


def total_length(data: bytes) -> int:
    """Bytes taken by the object that starts ``data`` (header and value): how much of a file to read."""
    _tag, length, value_offset = read_header(data)
    return value_offset + length


def iterate(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        item, offset = read(data, offset)
        yield item


def decode_all(data: bytes) -> list[Tlv]:
    """Every object of ``data``, which must hold nothing else; ValueError if malformed."""
    return list(iterate(data))


def decode_one(data: bytes, expected_tag: int | None = None) -> Tlv:
    """The single object that starts ``data`` (trailing padding after it is ignored)."""
    item, _end = read(data)
    if expected_tag is not None and item.tag != expected_tag:
        raise ValueError(f"expected tag {expected_tag:X}, found {item.tag:X}")
    return item


def find(data: bytes, tag: int) -> bytes | None:
    """The value of the first top-level object with ``tag`` in ``data``, or None."""
    for item in iterate(data):
        if item.tag == tag:
            return item.value
    return None
