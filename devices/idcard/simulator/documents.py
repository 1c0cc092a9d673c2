"""The simulated chips' files: EF.COM, DG1 and DG2 built from given data, and the demo documents' data.

The demo people are fictitious: Camille EXEMPLE (a French identity card, CNIe) and Dominique
SPECIMEN (a passport). Their photos are drawn at run time.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

from devices.idcard import mrz, tlv
from devices.idcard.lds import DATA_GROUP_TAGS, EF_COM
from devices.idcard.types import IdentityDocument

#: The demo identity card's CAN (printed on its front).
DEMO_CAN = "123456"

DEMO_CNIE = IdentityDocument(
    document_code="ID",
    issuing_state="FRA",
    document_number="X4RTBPFW4",
    surname="EXEMPLE",
    given_names="CAMILLE MARIE",
    nationality="FRA",
    birth_date=dt.date(1990, 4, 12),
    sex="F",
    expiry_date=dt.date(2034, 6, 14),
)

DEMO_PASSPORT = IdentityDocument(
    document_code="P",
    issuing_state="FRA",
    document_number="24FD91834",
    surname="SPECIMEN",
    given_names="DOMINIQUE",
    nationality="FRA",
    birth_date=dt.date(1985, 11, 3),
    sex="M",
    expiry_date=dt.date(2033, 2, 27),
)


def build_com(groups: list[int]) -> bytes:
    """EF.COM: LDS version 1.7, Unicode 4.0.0, and the tags of ``groups``."""
    tags = bytes(DATA_GROUP_TAGS[number] for number in groups)
    return tlv.encode(
        EF_COM.tag,
        tlv.encode(0x5F01, b"0107") + tlv.encode(0x5F36, b"040000") + tlv.encode(0x5C, tags),
    )


def build_dg1(mrz_text: str) -> bytes:
    """DG1 holding the MRZ (its lines run together)."""
    return tlv.encode(DATA_GROUP_TAGS[1], tlv.encode(0x5F1F, mrz_text.replace("\n", "").encode("ascii")))


def face_record(image: bytes, width: int, height: int, jpeg2000: bool = False) -> bytes:
    """An ISO/IEC 19794-5 facial record with one full-frontal image and no feature points."""
    image_information = (
        bytes([0x01, 0x01 if jpeg2000 else 0x00])
        + width.to_bytes(2, "big")
        + height.to_bytes(2, "big")
        + bytes([0x01, 0x02])
        + bytes(4)
    )
    facial_header = bytes(2) + bytes([0x00, 0x00, 0x00]) + bytes(3) + bytes(2) + bytes(3) + bytes(3)
    block = facial_header + image_information + image
    block = (4 + len(block)).to_bytes(4, "big") + block
    return b"FAC\x00" + b"010\x00" + (14 + len(block)).to_bytes(4, "big") + (1).to_bytes(2, "big") + block


def build_dg2(image: bytes, width: int, height: int, jpeg2000: bool = False) -> bytes:
    """DG2 with one face (biometric header template and ISO/IEC 19794-5 data block)."""
    header = tlv.encode(
        0xA1,
        tlv.encode(0x80, b"\x01\x01") + tlv.encode(0x87, b"\x01\x01") + tlv.encode(0x88, b"\x00\x08"),
    )
    template = tlv.encode(0x7F60, header + tlv.encode(0x5F2E, face_record(image, width, height, jpeg2000)))
    group = tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + template)
    return tlv.encode(DATA_GROUP_TAGS[2], group)


@cache
def demo_photo(shade: int = 0) -> tuple[bytes, int, int]:
    """A drawn head-and-shoulders JPEG (240 × 320) marked SPECIMEN: (bytes, width, height)."""
    from PIL import Image, ImageDraw  # only the simulator draws

    width, height = 240, 320
    picture = Image.new("RGB", (width, height), (226, 232, 240))
    draw = ImageDraw.Draw(picture)
    skin = (224 - shade, 182 - shade, 150 - shade)
    draw.ellipse((70, 60, 170, 190), fill=skin)
    draw.rectangle((105, 180, 135, 215), fill=skin)
    draw.pieslice((25, 200, 215, 420), 180, 360, fill=(70, 90, 130))
    draw.text((80, 290), "SPECIMEN", fill=(160, 20, 20))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue(), width, height


def mrz_of(document: IdentityDocument) -> str:
    """The MRZ printed on ``document``: TD1 for an identity card, TD3 for a passport."""
    if document.document_code.startswith("P"):
        return mrz.compose_td3(document)
    return mrz.compose_td1(document)
