"""Passive authentication (ICAO 9303-11 §5.1): the groups read are the ones the issuing state signed.

Three checks, each reported: every group read hashes to the value EF.SOD lists; EF.SOD's CMS
signature verifies with the document signer certificate it carries; that certificate was issued
by a trusted CSCA (when a CSCA file, directory or master list is given).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from devices.idcard.lds import SecurityObject
from devices.idcard.types import PassiveAuthentication

logger = logging.getLogger(__name__)

#: id-icao-cscaMasterList: the content type of a CSCA master list (ICAO 9303-12 §9).
MASTER_LIST_OID = "2.23.136.1.1.2"
CERTIFICATE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
MASTER_LIST_SUFFIXES = {".ml"}

_HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class CertificateSet(core.SetOf):
    _child_spec = asn1_x509.Certificate


class CscaMasterList(core.Sequence):
    _fields = [("version", core.Integer), ("cert_list", CertificateSet)]


class CscaStore:
    """The trusted country signing CA certificates."""

    def __init__(self, certificates: Iterable[x509.Certificate] = ()) -> None:
        self.certificates = list(certificates)

    @classmethod
    def load(cls, path: str | Path) -> CscaStore:
        """Certificates from a file (PEM with one or more certificates, DER, or a CSCA master list
        ``.ml``) or a directory of such files; ValueError when nothing usable is there."""
        path = Path(path)
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        certificates: list[x509.Certificate] = []
        for file in files:
            if path.is_dir() and file.suffix.lower() not in CERTIFICATE_SUFFIXES | MASTER_LIST_SUFFIXES:
                continue
            try:
                certificates += _certificates_in(file.read_bytes())
            except (OSError, ValueError) as error:
                raise ValueError(f"{file}: not a certificate or master list ({error})") from error
        if not certificates:
            raise ValueError(f"{path}: no CSCA certificate found")
        return cls(certificates)

    def issuers_of(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        """The trusted CSCAs whose key signed ``certificate`` (name and signature both checked)."""
        found = []
        for candidate in self.certificates:
            try:
                certificate.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature):
                continue
            found.append(candidate)
        return found


def _certificates_in(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        pass
    try:  # a CSCA master list: a CMS SignedData over the list of certificates
        info = cms.ContentInfo.load(data, strict=False)
        content = info["content"]["encap_content_info"]
        if content["content_type"].dotted != MASTER_LIST_OID:
            raise ValueError("not a CSCA master list")
        master_list = CscaMasterList.load(content["content"].contents)
        return [x509.load_der_x509_certificate(item.dump()) for item in master_list["cert_list"]]
    except ValueError:
        raise
    except Exception as error:
        raise ValueError("not a certificate or a CSCA master list") from error


def _hash(algorithm: str, data: bytes) -> bytes:
    try:
        return hashlib.new(algorithm, data).digest()
    except ValueError as error:
        raise ValueError(f"unknown hash algorithm {algorithm}") from error


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    signer: x509.Certificate | None
    detail: str


def _signer_certificate(signed: cms.SignedData, signer_info: cms.SignerInfo) -> x509.Certificate | None:
    sid = signer_info["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        certificate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.issuer == wanted["issuer"]
                and certificate.serial_number == wanted["serial_number"].native
            ):
                return x509.load_der_x509_certificate(certificate.dump())
        elif certificate.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(certificate.dump())
    return None


def _verify_signature(public_key: object, signer_info: cms.SignerInfo, message: bytes) -> None:
    """Raises InvalidSignature (or ValueError for an algorithm this library does not know)."""
    signature = signer_info["signature"].native
    algorithm = signer_info["signature_algorithm"]
    kind = algorithm.signature_algo
    try:
        hash_name = algorithm.hash_algo
    except ValueError:  # plain rsaEncryption: the digest algorithm says which hash
        hash_name = signer_info["digest_algorithm"]["algorithm"].native
    if hash_name not in _HASHES:
        raise ValueError(f"unknown hash algorithm {hash_name}")
    chosen_hash = _HASHES[hash_name]()
    if kind == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, message, ec.ECDSA(chosen_hash))
    elif kind == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, message, padding.PKCS1v15(), chosen_hash)
    elif kind == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
        parameters = algorithm["parameters"]
        pss_hash = _HASHES[parameters["hash_algorithm"]["algorithm"].native]()
        salt = parameters["salt_length"].native
        public_key.verify(signature, message, padding.PSS(padding.MGF1(pss_hash), salt), pss_hash)
    else:
        raise ValueError(f"unsupported signature algorithm {kind}")


def check_signature(sod: SecurityObject) -> SignatureCheck:
    """EF.SOD's signature with its document signer certificate."""
    infos = sod.signed_data["signer_infos"]
    if len(infos) != 1:
        return SignatureCheck(False, None, "EF.SOD has no single signer")
    signer_info = infos[0]
    signer = _signer_certificate(sod.signed_data, signer_info)
    if signer is None:
        return SignatureCheck(False, None, "EF.SOD carries no document signer certificate")
    attributes = signer_info["signed_attrs"]
    if attributes.native is not None and len(attributes):
        digest_name = signer_info["digest_algorithm"]["algorithm"].native
        found = {attribute["type"].native: attribute["values"][0] for attribute in attributes}
        digest = found.get("message_digest")
        content_type = found.get("content_type")
        if digest is None or not hmac.compare_digest(digest.native, _hash(digest_name, sod.encapsulated)):
            return SignatureCheck(False, signer, "the signed digest is not that of the hash list")
        if content_type is None or content_type.dotted != "2.23.136.1.1.1":
            return SignatureCheck(False, signer, "the signed content type is wrong")
        message = b"\x31" + attributes.dump()[1:]  # signed as a SET OF, not as [0] IMPLICIT
    else:
        message = sod.encapsulated
    try:
        _verify_signature(signer.public_key(), signer_info, message)
    except InvalidSignature:
        return SignatureCheck(False, signer, "EF.SOD's signature does not verify")
    except ValueError as error:
        return SignatureCheck(False, signer, str(error))
    return SignatureCheck(True, signer, "")


def verify(
    sod: SecurityObject, groups: Mapping[int, bytes], csca: CscaStore | None = None
) -> PassiveAuthentication:
    """The three checks over the data groups read (their whole files, tag included)."""
    details = []
    hashes_match = True
    for number, content in sorted(groups.items()):
        listed = sod.hashes.get(number)
        if listed is None or not hmac.compare_digest(listed, _hash(sod.hash_algorithm, content)):
            hashes_match = False
            details.append(f"DG{number}'s hash is not the signed one")
    signature = check_signature(sod)
    if not signature.valid:
        details.append(signature.detail)
    csca_trusted: bool | None = None
    if csca is not None:
        csca_trusted = signature.signer is not None and bool(csca.issuers_of(signature.signer))
        if not csca_trusted:
            details.append("the document signer is not issued by a trusted CSCA")
    result = PassiveAuthentication(hashes_match, signature.valid, csca_trusted, "; ".join(details))
    logger.info(
        "passive authentication: hashes %s, signature %s, CSCA %s",
        "ok" if hashes_match else "MISMATCH",
        "ok" if signature.valid else "INVALID",
        {None: "not checked", True: "trusted", False: "UNTRUSTED"}[csca_trusted],
    )
    return result
