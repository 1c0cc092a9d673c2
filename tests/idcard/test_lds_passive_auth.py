"""The LDS files (EF.COM, DG1, DG2, EF.SOD) and passive authentication, on files the simulator builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import lds, tlv
from devices.idcard.passive_auth import CscaMasterList, CscaStore, check_signature, verify
from devices.idcard.simulator import DEMO_CNIE, simulated_pki
from devices.idcard.simulator.documents import build_com, build_dg1, build_dg2, demo_photo, mrz_of
from devices.idcard.simulator.pki import create_csca, create_document_signer

TODAY = dt.date(2026, 11, 30)
JP2 = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(50)


@pytest.fixture(scope="module")
def groups() -> dict[int, bytes]:
    image, width, height = demo_photo()
    return {1: build_dg1(mrz_of(DEMO_CNIE)), 2: build_dg2(image, width, height)}


def test_com_lists_its_groups() -> None:
    assert lds.parse_com(build_com([1, 2, 3, 14])) == frozenset({1, 2, 3, 14})


def test_dg1_gives_the_document(groups: dict[int, bytes]) -> None:
    assert lds.parse_dg1(groups[1], TODAY) == DEMO_CNIE


def test_dg2_gives_the_jpeg(groups: dict[int, bytes]) -> None:
    photo = lds.parse_dg2(groups[2])
    assert photo == demo_photo()[0] and lds.image_kind(photo) == "jpeg"


def test_dg2_gives_a_jpeg2000_image() -> None:
    photo = lds.parse_dg2(build_dg2(JP2, 10, 10, jpeg2000=True))
    assert photo == JP2 and lds.image_kind(photo) == "jpeg2000"


def test_dg2_in_another_encoding_still_gives_the_image() -> None:
    block = tlv.encode(0xA1, b"\x01\x02") + tlv.encode(0x82, JP2)  # not an ISO 19794-5 record
    template = tlv.encode(0x7F60, tlv.encode(0x7F2E, block))
    group = tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + template))
    assert lds.parse_dg2(group) == JP2


def test_dg2_without_an_image() -> None:
    template = tlv.encode(0x7F60, tlv.encode(0x5F2E, b"FAC\x00nothing here"))
    assert lds.parse_dg2(tlv.encode(0x75, tlv.encode(0x7F61, template))) is None


def test_the_fingerprint_groups_are_never_read() -> None:
    with pytest.raises(ValueError, match="never read"):
        lds.FileReader(None).read(lds.data_group(3))  # type: ignore[arg-type]


def test_protected_chunks_fit_a_short_response() -> None:
    assert lds.largest_protected_chunk(16) == 223
    assert lds.largest_protected_chunk(8) == 231


# -- EF.SOD and passive authentication ------------------------------------------------------------


@pytest.fixture(scope="module")
def trusted() -> CscaStore:
    return CscaStore([simulated_pki().csca.certificate])


@pytest.mark.parametrize("signer_name", ["signer", "rsa_signer"])
@pytest.mark.parametrize("hash_name", ["sha256", "sha384", "sha512"])
def test_a_genuine_sod_passes(
    groups: dict[int, bytes], trusted: CscaStore, signer_name: str, hash_name: str
) -> None:
    signer = getattr(simulated_pki(), signer_name)
    sod = lds.parse_sod(signer.sign_sod(groups, hash_name))
    assert sod.hash_algorithm == hash_name and set(sod.hashes) == {1, 2}
    result = verify(sod, groups, trusted)
    assert result.passed and result.csca_trusted and result.detail == ""


def test_rsassa_pss(groups: dict[int, bytes], trusted: CscaStore) -> None:
    sod = lds.parse_sod(simulated_pki().rsa_signer.sign_sod(groups, "sha256", pss=True))
    assert verify(sod, groups, trusted).passed


def test_a_changed_group_fails_the_hashes(groups: dict[int, bytes], trusted: CscaStore) -> None:
    sod = lds.parse_sod(simulated_pki().signer.sign_sod(groups))
    changed = {**groups, 1: build_dg1(mrz_of(DEMO_CNIE).replace("EXEMPLE", "EXEMPLO"))}
    result = verify(sod, changed, trusted)
    assert not result.hashes_match and result.signature_valid and "DG1" in result.detail
    assert "EXEMPL" not in result.detail


def test_a_group_the_sod_does_not_list(groups: dict[int, bytes], trusted: CscaStore) -> None:
    sod = lds.parse_sod(simulated_pki().signer.sign_sod({1: groups[1]}))
    assert not verify(sod, groups, trusted).hashes_match


def test_a_forged_signature(groups: dict[int, bytes], trusted: CscaStore) -> None:
    sod = lds.parse_sod(simulated_pki().signer.sign_sod(groups))
    forged = create_document_signer(simulated_pki().csca)
    # The hash list signed by another key, but presented with the genuine certificate.
    genuine_info = sod.signed_data["signer_infos"][0]
    forged_sod = lds.parse_sod(forged.sign_sod(groups))
    forged_info = forged_sod.signed_data["signer_infos"][0]
    genuine_info["signature"] = forged_info["signature"].native
    assert not check_signature(sod).valid
    assert not verify(sod, groups, trusted).signature_valid


def test_a_certificate_from_an_unknown_csca(groups: dict[int, bytes], trusted: CscaStore) -> None:
    sod = lds.parse_sod(simulated_pki().rogue_signer.sign_sod(groups))
    result = verify(sod, groups, trusted)
    assert result.hashes_match and result.signature_valid and result.csca_trusted is False
    assert verify(sod, groups, None).csca_trusted is None


def _pem(certificate: object) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)  # type: ignore[attr-defined]


def test_csca_from_files_directories_and_master_lists(tmp_path: Path, groups: dict[int, bytes]) -> None:
    pki = simulated_pki()
    sod = lds.parse_sod(pki.signer.sign_sod(groups))
    other = create_csca(common_name="Another CSCA")
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(_pem(other.certificate) + _pem(pki.csca.certificate))
    der = tmp_path / "csca.der"
    der.write_bytes(pki.csca.certificate.public_bytes(serialization.Encoding.DER))
    master_list = tmp_path / "list.ml"
    certificate = asn1_x509.Certificate.load(der.read_bytes())
    content = CscaMasterList({"version": 0, "cert_list": [certificate]}).dump()
    master_list.write_bytes(
        cms.ContentInfo(
            {
                "content_type": "signed_data",
                "content": {
                    "version": "v3",
                    "digest_algorithms": [],
                    "encap_content_info": {
                        "content_type": "2.23.136.1.1.2",
                        "content": core.ParsableOctetString(content),
                    },
                    "signer_infos": [],
                },
            }
        ).dump()
    )
    directory = tmp_path / "cscas"
    directory.mkdir()
    (directory / "a.pem").write_bytes(_pem(other.certificate))
    (directory / "b.crt").write_bytes(_pem(pki.csca.certificate))
    (directory / "README").write_text("not a certificate")
    for path in (bundle, der, master_list, directory):
        assert verify(sod, groups, CscaStore.load(path)).csca_trusted, path
    assert verify(sod, groups, CscaStore.load(tmp_path / "cscas" / "a.pem")).csca_trusted is False


def test_no_csca_in_a_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no CSCA"):
        CscaStore.load(empty)
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"junk")
    with pytest.raises(ValueError, match="not a certificate"):
        CscaStore.load(junk)


# -- malformed files ------------------------------------------------------------------------------


@given(st.binary(max_size=300))
def test_any_file_content_parses_or_is_refused_with_a_value_error(data: bytes) -> None:
    for parse in (lds.parse_com, lds.parse_dg1, lds.parse_dg2, lds.parse_sod):
        try:
            parse(data)
        except ValueError:
            pass


@given(st.binary(max_size=200))
def test_any_card_access_parses_or_is_refused_with_a_value_error(data: bytes) -> None:
    from devices.idcard.secure_messaging import card_access

    try:
        card_access.parse(data)
    except ValueError:
        pass
    try:
        card_access.parse(tlv.encode(0x31, data))
    except ValueError:
        pass


def test_card_access_of_the_simulated_cnie() -> None:
    from devices.idcard.secure_messaging import card_access
    from devices.idcard.simulator import CNIE_PROFILE

    infos = card_access.parse(card_access.encode(list(CNIE_PROFILE.pace)))
    assert [(info.algorithm.label, info.parameter_id) for info in infos] == [
        ("ECDH-GM AES-256", 13),
        ("ECDH-IM AES-256", 13),
    ]
    assert card_access.choose(infos) == infos[0]
    assert (
        card_access.parse(card_access.encode([infos[0].__class__(infos[0].algorithm, 2, None)]))[
            0
        ].parameter_id
        is None
    )
