"""The logical data structure (ICAO 9303-10): EF.COM, DG1, DG2 and EF.SOD, how they are read and parsed.

Only DG1 (the MRZ), DG2 (the face) and EF.SOD are ever read: never the fingerprint and iris
groups DG3 and DG4. A file comes in one extended-length read when the chip allows it, else in
chunks that fit a short response; a chunk the chip refuses (wrong length) is asked again smaller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import algos, cms, core

from devices.idcard import mrz, tlv
from devices.idcard.apdu import EXTENDED_MAX_LE, SHORT_MAX_LE, CommandApdu, StatusWord
from devices.idcard.channel import CardChannel
from devices.idcard.types import CardError, CardFault, IdentityDocument

#: The eMRTD (LDS1) application.
LDS1_AID = bytes.fromhex("A0000002471001")
#: Data groups a kiosk must never read: fingerprints (DG3) and irises (DG4).
NEVER_READ = frozenset({3, 4})
#: The ladder of chunk sizes tried after a refused read; the first rung depends on the channel.
SMALLER_CHUNKS = (128, 64)
#: READ BINARY with an even instruction reaches offsets up to 32767; beyond, the odd one (B1).
MAX_EVEN_OFFSET = 0x7FFF

#: The tag each data group's content starts with (ICAO 9303-10 §4.6.2).
DATA_GROUP_TAGS = {number: 0x60 + number for number in range(1, 17)} | {1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76}


@dataclass(frozen=True)
class ElementaryFile:
    name: str
    fid: int
    sfi: int
    #: The tag its content starts with.
    tag: int


EF_CARD_ACCESS = ElementaryFile("EF.CardAccess", 0x011C, 0x1C, 0x31)
EF_COM = ElementaryFile("EF.COM", 0x011E, 0x1E, 0x60)
EF_SOD = ElementaryFile("EF.SOD", 0x011D, 0x1D, 0x77)


def data_group(number: int) -> ElementaryFile:
    if number not in DATA_GROUP_TAGS:
        raise ValueError("data groups are numbered 1 to 16")
    return ElementaryFile(f"DG{number}", 0x0100 + number, number, DATA_GROUP_TAGS[number])


# -- reading ---------------------------------------------------------------------------------


def select_application(channel: CardChannel) -> None:
    """Selects the eMRTD application; UNKNOWN_DOCUMENT when the card has none."""
    response = channel.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, LDS1_AID))
    if response.sw in (StatusWord.FILE_NOT_FOUND, StatusWord.INSTRUCTION_NOT_SUPPORTED):
        raise CardError(CardFault.UNKNOWN_DOCUMENT, "no eMRTD application on this card")
    if not response.ok:
        raise CardError(CardFault.UNREADABLE, f"SELECT eMRTD answered {response.sw:04X}")


def largest_protected_chunk(block_size: int) -> int:
    """The most plain bytes whose protected response (DO87, DO99, DO8E) fits 256 bytes."""
    for size in range(SHORT_MAX_LE, 0, -1):
        padded = (size // block_size + 1) * block_size
        value = 1 + padded
        total = 1 + len(tlv.encode_length(value)) + value + 4 + 10
        if total <= SHORT_MAX_LE:
            return size
    raise AssertionError("unreachable")


def chunk_sizes(channel: CardChannel) -> list[int]:
    """The sizes to ask for, largest first."""
    if channel.secure is None:
        short = SHORT_MAX_LE
    else:
        short = largest_protected_chunk(channel.secure.suite.block_size)
    sizes = [EXTENDED_MAX_LE] if channel.extended_length else []
    return sizes + [short, *SMALLER_CHUNKS]


def _refused_length(sw: int) -> bool:
    return sw == StatusWord.WRONG_LENGTH or sw & 0xFF00 == 0x6C00


class FileReader:
    """Reads whole elementary files through a channel, choosing chunk sizes as the chip allows."""

    def __init__(self, channel: CardChannel) -> None:
        self._channel = channel

    def read(self, ef: ElementaryFile, absent: frozenset[int] = frozenset({0x6A82})) -> bytes | None:
        """The file's content (exactly its TLV), or None when the chip has no such file: when it
        answers the first command with a status word of ``absent`` (file not found)."""
        if ef.tag in (DATA_GROUP_TAGS[number] for number in NEVER_READ):
            raise ValueError(f"{ef.name} is never read")
        sizes = chunk_sizes(self._channel)
        selected = False  # the first read selects the file by its short identifier
        by_sfi = True
        data = b""
        total: int | None = None
        while total is None or len(data) < total:
            wanted = sizes[0] if total is None else min(sizes[0], total - len(data))
            if not selected and not by_sfi:
                if not self._select(ef, absent):
                    return None
                selected = True
            response = self._channel.send(self._read_command(ef, len(data), wanted, selected))
            sw = response.sw
            if not selected and sw in absent:
                return None
            if not selected and by_sfi and sw in (0x6A81, 0x6A86, StatusWord.INSTRUCTION_NOT_SUPPORTED):
                by_sfi = False  # no short file identifiers on this chip: select by file id
                continue
            if _refused_length(sw) and len(sizes) > 1:
                exact = sw & 0xFF if sw & 0xFF00 == 0x6C00 else 0
                sizes = ([exact] if 0 < exact < sizes[0] else []) + sizes[1:]
                continue
            if sw == StatusWord.SECURITY_STATUS_NOT_SATISFIED:
                raise CardError(CardFault.UNREADABLE, f"{ef.name}: access refused")
            if sw not in (StatusWord.SUCCESS, StatusWord.END_OF_FILE) or not response.data:
                raise CardError(CardFault.UNREADABLE, f"{ef.name}: READ BINARY answered {sw:04X}")
            selected = True
            chunk = response.data
            if len(data) > MAX_EVEN_OFFSET and total is not None:
                chunk = _unwrap_odd(chunk, ef)
            data += chunk
            if total is None:
                try:
                    total = tlv.total_length(data)
                except ValueError:
                    if len(data) >= 8:
                        raise CardError(CardFault.UNREADABLE, f"{ef.name} is malformed") from None
        return data[:total]

    def _select(self, ef: ElementaryFile, absent: frozenset[int]) -> bool:
        fid = ef.fid.to_bytes(2, "big")
        response = self._channel.send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, fid))
        if response.sw in absent:
            return False
        if not response.ok:
            raise CardError(CardFault.UNREADABLE, f"SELECT {ef.name} answered {response.sw:04X}")
        return True

    @staticmethod
    def _read_command(ef: ElementaryFile, offset: int, wanted: int, selected: bool) -> CommandApdu:
        if not selected:
            return CommandApdu(0x00, 0xB0, 0x80 | ef.sfi, 0x00, le=wanted)
        if offset <= MAX_EVEN_OFFSET:
            return CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=wanted)
        # Offsets past 32767: READ BINARY B1 with the offset in DO54, the data back in DO53.
        offset_bytes = offset.to_bytes((offset.bit_length() + 7) // 8, "big")
        return CommandApdu(0x00, 0xB1, 0x00, 0x00, tlv.encode(0x54, offset_bytes), le=wanted)


def _unwrap_odd(chunk: bytes, ef: ElementaryFile) -> bytes:
    try:
        return tlv.decode_one(chunk, 0x53).value
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, f"{ef.name}: malformed READ BINARY B1 answer") from error


# -- what the files hold ---------------------------------------------------------------------


def parse_com(data: bytes) -> frozenset[int]:
    """The data groups EF.COM lists."""
    content = tlv.decode_one(data, EF_COM.tag).value
    tags = tlv.find(content, 0x5C)
    if tags is None:
        raise ValueError("EF.COM lists no data groups")
    by_tag = {tag: number for number, tag in DATA_GROUP_TAGS.items()}
    return frozenset(by_tag[tag] for tag in tags if tag in by_tag)


def mrz_lines(text: str) -> str:
    """DG1's MRZ (one run of 90, 72 or 88 characters) cut into its lines."""
    width = {90: 30, 72: 36, 88: 44}.get(len(text))
    if width is None:
        raise ValueError("DG1's MRZ has an unknown length")
    return "\n".join(text[start : start + width] for start in range(0, len(text), width))


def parse_dg1(data: bytes, today: dt.date | None = None) -> IdentityDocument:
    content = tlv.decode_one(data, DATA_GROUP_TAGS[1]).value
    raw = tlv.find(content, 0x5F1F)
    if raw is None:
        raise ValueError("DG1 holds no MRZ")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as error:
        raise ValueError("DG1's MRZ is not ASCII") from error
    return mrz.parse(mrz_lines(text), today).document


JPEG_MAGIC = b"\xff\xd8\xff"
JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_MAGIC = b"\xff\x4f\xff\x51"


def image_kind(image: bytes) -> str | None:
    """The image format: "jpeg", "jpeg2000" or None."""
    if image.startswith(JPEG_MAGIC):
        return "jpeg"
    if image.startswith(JP2_MAGIC) or image.startswith(J2K_MAGIC):
        return "jpeg2000"
    return None


def _face_image(block: bytes) -> bytes | None:
    """The image of an ISO/IEC 19794-5 facial record; the first JPEG or JPEG 2000 image found
    in any other encoding (ISO/IEC 39794-5)."""
    if block.startswith(b"FAC\x00") and len(block) >= 14 + 20:
        record_start = 14
        record_length = int.from_bytes(block[record_start : record_start + 4], "big")
        points = int.from_bytes(block[record_start + 4 : record_start + 6], "big")
        start = record_start + 20 + 8 * points + 12
        end = min(record_start + record_length, len(block))
        if start < end and image_kind(block[start:end]):
            return block[start:end]
    for magic in (JPEG_MAGIC, JP2_MAGIC, J2K_MAGIC):
        found = block.find(magic)
        if found >= 0:
            return block[found:]
    return None


def parse_dg2(data: bytes) -> bytes | None:
    """The first face image of DG2 (JPEG or JPEG 2000 bytes), None when there is none."""
    group = tlv.decode_one(data, DATA_GROUP_TAGS[2]).value
    template_group = tlv.find(group, 0x7F61)
    if template_group is None:
        raise ValueError("DG2 holds no biometric information group")
    for item in tlv.iterate(template_group):
        if item.tag != 0x7F60:
            continue
        block = tlv.find(item.value, 0x5F2E) or tlv.find(item.value, 0x7F2E)
        if block:
            return _face_image(block)
    return None


# -- EF.SOD ----------------------------------------------------------------------------------

#: id-icao-mrtd-security-ldsSecurityObject.
LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LdsSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class SecurityObject:
    """EF.SOD: the signed list of data-group hashes."""

    #: "sha256", "sha384"…
    hash_algorithm: str
    hashes: dict[int, bytes]
    #: The CMS SignedData, and the exact bytes it signed (the LDSSecurityObject).
    signed_data: cms.SignedData
    encapsulated: bytes


def parse_sod(data: bytes) -> SecurityObject:
    """EF.SOD's content; ValueError if it is not a CMS SignedData over an LDSSecurityObject."""
    content = tlv.decode_one(data, EF_SOD.tag).value
    try:
        info = cms.ContentInfo.load(content, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("EF.SOD is not a SignedData")
        signed = info["content"]
        encapsulated_info = signed["encap_content_info"]
        if encapsulated_info["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
            raise ValueError("EF.SOD does not sign an LDS security object")
        encapsulated = encapsulated_info["content"].contents
        security = LdsSecurityObject.load(encapsulated, strict=True)
        hashes = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in security["data_group_hash_values"]
        }
        algorithm = security["hash_algorithm"]["algorithm"].native
        return SecurityObject(str(algorithm), hashes, signed, bytes(encapsulated))
    except ValueError:
        raise
    except Exception as error:  # asn1crypto raises several kinds on malformed input
        raise ValueError("EF.SOD is malformed") from error
