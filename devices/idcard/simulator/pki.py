"""A throw-away country PKI made at run time: a CSCA, document signers, and EF.SOD signed with them.

Nothing here is a real state's key. The keys live in memory only and die with the process; the
CSCA certificate can be written out so that a reader trusts it (tests, the demo).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from devices.idcard import tlv
from devices.idcard.lds import EF_SOD, LDS_SECURITY_OBJECT_OID, LdsSecurityObject

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def _name(common_name: str, country: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Simulation (not a real state)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key(kind: str) -> PrivateKey:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.BrainpoolP256R1() if kind == "ec" else ec.BrainpoolP384R1())


@dataclass(frozen=True)
class Csca:
    """A country signing CA: a self-signed certificate and its key."""

    certificate: x509.Certificate
    private_key: PrivateKey = field(repr=False)

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.pem())
        return path


@dataclass(frozen=True)
class DocumentSigner:
    """A document signer certificate issued by a CSCA, and the key that signs EF.SOD."""

    certificate: x509.Certificate
    private_key: PrivateKey = field(repr=False)

    def sign_sod(self, groups: dict[int, bytes], hash_name: str = "sha256", pss: bool = False) -> bytes:
        """EF.SOD (tag 77) over ``groups`` (their whole files), signed with signed attributes
        (ECDSA, or RSA with PKCS #1 v1.5 or, when ``pss``, RSASSA-PSS)."""
        security = LdsSecurityObject(
            {
                "version": 0,
                "hash_algorithm": {"algorithm": hash_name},
                "data_group_hash_values": [
                    {
                        "data_group_number": number,
                        "data_group_hash_value": hashlib.new(hash_name, content).digest(),
                    }
                    for number, content in sorted(groups.items())
                ],
            }
        ).dump()
        attributes = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]}),
                cms.CMSAttribute(
                    {"type": "message_digest", "values": [hashlib.new(hash_name, security).digest()]}
                ),
            ]
        )
        to_sign = attributes.dump()
        key = self.private_key
        algorithm: object
        if isinstance(key, rsa.RSAPrivateKey) and pss:
            salt = _HASHES[hash_name]().digest_size
            scheme = padding.PSS(padding.MGF1(_HASHES[hash_name]()), salt)
            signature = key.sign(to_sign, scheme, _HASHES[hash_name]())
            algorithm = {
                "algorithm": "rsassa_pss",
                "parameters": {
                    "hash_algorithm": {"algorithm": hash_name},
                    "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": hash_name}},
                    "salt_length": salt,
                },
            }
        elif isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(to_sign, padding.PKCS1v15(), _HASHES[hash_name]())
            algorithm = {"algorithm": f"{hash_name}_rsa"}
        else:
            signature = key.sign(to_sign, ec.ECDSA(_HASHES[hash_name]()))
            algorithm = {"algorithm": f"{hash_name}_ecdsa"}
        certificate = asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                            {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
                        )
                    }
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": hash_name}),
                "signed_attrs": attributes,
                "signature_algorithm": algos.SignedDigestAlgorithm(algorithm),
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": hash_name})],
                "encap_content_info": {
                    "content_type": LDS_SECURITY_OBJECT_OID,
                    "content": core.ParsableOctetString(security),
                },
                "certificates": [certificate],
                "signer_infos": [signer_info],
            }
        )
        info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
        return tlv.encode(EF_SOD.tag, info.dump())


def create_csca(country: str = "FR", common_name: str = "Simulated CSCA", kind: str = "ec384") -> Csca:
    key = _new_key(kind)
    name = _name(common_name, country)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * 15))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA384())
    )
    return Csca(certificate, key)


def create_document_signer(csca: Csca, kind: str = "ec", common_name: str = "Simulated DS") -> DocumentSigner:
    """A document signer: ``kind`` "ec" (brainpoolP256r1, like the CNIe) or "rsa" (2048 bits)."""
    key = _new_key(kind)
    now = dt.datetime.now(dt.UTC)
    country = csca.certificate.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, str(country)))
        .issuer_name(csca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * 11))
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(csca.private_key.public_key()), critical=False
        )
        .sign(csca.private_key, hashes.SHA384())
    )
    return DocumentSigner(certificate, key)


@dataclass(frozen=True)
class SimulatedPki:
    """The simulation's trusted CSCA and its signers, and a rogue CSCA nobody trusts."""

    csca: Csca
    signer: DocumentSigner
    rsa_signer: DocumentSigner
    rogue_csca: Csca
    rogue_signer: DocumentSigner


_pki: SimulatedPki | None = None
_pki_lock = threading.Lock()


def simulated_pki() -> SimulatedPki:
    """The process's throw-away PKI, made on first use (about a tenth of a second)."""
    global _pki
    with _pki_lock:
        if _pki is None:
            csca = create_csca()
            rogue = create_csca(common_name="Unknown CSCA")
            _pki = SimulatedPki(
                csca,
                create_document_signer(csca, "ec"),
                create_document_signer(csca, "rsa"),
                rogue,
                create_document_signer(rogue, "ec", "Unknown DS"),
            )
        return _pki
