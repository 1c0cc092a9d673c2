"""EF.CardAccess: the SecurityInfos a chip publishes, and the PACE parameter sets among them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from asn1crypto import core

from devices.idcard import tlv
from devices.idcard.secure_messaging.domain_parameters import (
    STANDARD_DOMAIN_PARAMETERS,
    DomainParameters,
    EllipticCurve,
)
from devices.idcard.secure_messaging.primitives import CipherKind, CipherSuite

#: id-PACE (BSI TR-03110 / ICAO 9303-11 §9.2.1).
ID_PACE = "0.4.0.127.0.7.2.2.4"


class Mapping(Enum):
    GENERIC = "GM"
    INTEGRATED = "IM"
    CHIP_AUTHENTICATION = "CAM"


@dataclass(frozen=True)
class PaceAlgorithm:
    """What a PACE OID names: the key agreement, the mapping and the secure-messaging cipher."""

    oid: str
    elliptic: bool
    mapping: Mapping
    suite: CipherSuite

    @property
    def label(self) -> str:
        return f"{'ECDH' if self.elliptic else 'DH'}-{self.mapping.value} {self.suite.label}"

    @property
    def oid_bytes(self) -> bytes:
        """The OID's content octets (what MSE:Set AT and the token's 06 object carry)."""
        return core.ObjectIdentifier(self.oid).contents


_SUITES = {
    1: CipherSuite(CipherKind.TDES, 16),
    2: CipherSuite(CipherKind.AES, 16),
    3: CipherSuite(CipherKind.AES, 24),
    4: CipherSuite(CipherKind.AES, 32),
}
_FAMILIES = {
    1: (False, Mapping.GENERIC),
    2: (True, Mapping.GENERIC),
    3: (False, Mapping.INTEGRATED),
    4: (True, Mapping.INTEGRATED),
    6: (True, Mapping.CHIP_AUTHENTICATION),
}
#: Every PACE algorithm by OID; the reader runs the generic mapping ones.
PACE_ALGORITHMS: dict[str, PaceAlgorithm] = {
    f"{ID_PACE}.{family}.{cipher}": PaceAlgorithm(f"{ID_PACE}.{family}.{cipher}", elliptic, mapping, suite)
    for family, (elliptic, mapping) in _FAMILIES.items()
    for cipher, suite in _SUITES.items()
    if not (family == 6 and cipher == 1)  # CAM has no 3DES variant
}


@dataclass(frozen=True)
class PaceInfo:
    """One PACEInfo of EF.CardAccess."""

    algorithm: PaceAlgorithm
    version: int
    #: The standardized domain parameters' id; None when the chip lists only one set.
    parameter_id: int | None

    @property
    def domain_parameters(self) -> DomainParameters | None:
        if self.parameter_id is None:
            return None
        return STANDARD_DOMAIN_PARAMETERS.get(self.parameter_id)

    @property
    def supported(self) -> bool:
        """This reader can run it: generic mapping on domain parameters it knows, of the right kind."""
        domain = self.domain_parameters
        return (
            self.algorithm.mapping is Mapping.GENERIC
            and self.version == 2
            and domain is not None
            and isinstance(domain, EllipticCurve) == self.algorithm.elliptic
        )

    @property
    def label(self) -> str:
        domain = self.domain_parameters
        name = domain.name if domain is not None else f"parameters {self.parameter_id}"
        return f"PACE {self.algorithm.label} {name}"


class SecurityInfo(core.Sequence):
    _fields = [
        ("protocol", core.ObjectIdentifier),
        ("required_data", core.Any),
        ("optional_data", core.Any, {"optional": True}),
    ]


class SecurityInfos(core.SetOf):
    _child_spec = SecurityInfo


def parse(data: bytes) -> list[PaceInfo]:
    """The PACEInfos of an EF.CardAccess (other SecurityInfos are skipped); ValueError if malformed."""
    try:
        exact = data[: tlv.total_length(data)]  # a chip may pad the file after the SET
        infos = SecurityInfos.load(exact, strict=True)
        found = []
        for info in infos:
            oid = info["protocol"].dotted
            algorithm = PACE_ALGORITHMS.get(oid)
            if algorithm is None:
                continue
            version = info["required_data"].parse(core.Integer).native
            optional = info["optional_data"]
            parameter_id = None if not optional.contents else optional.parse(core.Integer).native
            found.append(PaceInfo(algorithm, version, parameter_id))
        return found
    except ValueError:
        raise
    except Exception as error:  # asn1crypto raises several kinds on malformed input
        raise ValueError("EF.CardAccess is malformed") from error


def encode(infos: list[PaceInfo]) -> bytes:
    """An EF.CardAccess listing ``infos`` (what the simulated chip publishes)."""
    items = []
    for info in infos:
        fields: dict[str, object] = {
            "protocol": info.algorithm.oid,
            "required_data": core.Integer(info.version),
        }
        if info.parameter_id is not None:
            fields["optional_data"] = core.Integer(info.parameter_id)
        items.append(SecurityInfo(fields))
    return SecurityInfos(items).dump()


#: Which supported set the reader picks when a chip lists several: elliptic curves first, then the
#: strongest cipher.
def preference(info: PaceInfo) -> tuple[int, int]:
    return (
        1 if info.algorithm.elliptic else 0,
        info.algorithm.suite.key_length + (0 if info.algorithm.suite.kind is CipherKind.TDES else 100),
    )


def choose(infos: list[PaceInfo]) -> PaceInfo | None:
    """The parameter set to run, or None when the chip lists none this reader supports."""
    supported = [info for info in infos if info.supported]
    return max(supported, key=preference) if supported else None
