"""PACE's standardized domain parameters (curves and groups) and the small arithmetic on them.

The generic mapping needs points the usual libraries do not expose (s·G + H, keys on a mapped
generator), so this module does its own affine arithmetic. It is not constant time: it only ever
handles ephemeral keys that live for one card read.
"""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[int, int] | None  #: an affine point; None is the point at infinity


@dataclass(frozen=True)
class EllipticCurve:
    """A short Weierstrass curve y² = x³ + ax + b over GF(p) with a generator of prime order n."""

    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int

    @property
    def generator(self) -> Point:
        return (self.gx, self.gy)

    @property
    def size(self) -> int:
        """Bytes in a coordinate."""
        return (self.p.bit_length() + 7) // 8

    def contains(self, point: Point) -> bool:
        if point is None:
            return True
        x, y = point
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0

    def add(self, first: Point, second: Point) -> Point:
        if first is None:
            return second
        if second is None:
            return first
        x1, y1 = first
        x2, y2 = second
        p = self.p
        if x1 == x2:
            if (y1 + y2) % p == 0:
                return None
            slope = (3 * x1 * x1 + self.a) * pow(2 * y1, -1, p) % p
        else:
            slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
        x3 = (slope * slope - x1 - x2) % p
        return (x3, (slope * (x1 - x3) - y1) % p)

    def multiply(self, scalar: int, point: Point) -> Point:
        """scalar · point: double-and-add in Jacobian coordinates (one inversion at the end).

        Every point of these curves has order n (cofactor 1): the scalar is taken modulo n.
        """
        scalar %= self.n
        if point is None or scalar == 0:
            return None
        p, a = self.p, self.a
        x2, y2 = point
        X, Y, Z = x2, y2, 1  # noqa: N806 (the usual names of Jacobian coordinates)
        for bit in bin(scalar)[3:]:
            # Doubling: (X, Y, Z) → 2·(X, Y, Z).
            if Y == 0:
                return None
            yy = Y * Y % p
            s = 4 * X * yy % p
            m = (3 * X * X + a * pow(Z, 4, p)) % p
            X, Y, Z = (m * m - 2 * s) % p, (m * (s - (m * m - 2 * s)) - 8 * yy * yy) % p, 2 * Y * Z % p  # noqa: N806
            if bit == "1":
                # Mixed addition of the affine point.
                zz = Z * Z % p
                h = (x2 * zz - X) % p
                r = (y2 * zz * Z - Y) % p
                if h == 0:
                    if r != 0:
                        return None
                    return self.add(self._affine(X, Y, Z), point)  # P + P: let the affine formula double
                hh = h * h % p
                hhh = h * hh % p
                v = X * hh % p
                x3 = (r * r - hhh - 2 * v) % p
                X, Y, Z = x3, (r * (v - x3) - Y * hhh) % p, Z * h % p  # noqa: N806
        return self._affine(X, Y, Z)

    def _affine(self, x: int, y: int, z: int) -> Point:
        if z == 0:
            return None
        inverse = pow(z, -1, self.p)
        inverse_squared = inverse * inverse % self.p
        return (x * inverse_squared % self.p, y * inverse_squared * inverse % self.p)

    def encode(self, point: Point) -> bytes:
        """The uncompressed encoding 04 ‖ x ‖ y."""
        if point is None:
            raise ValueError("the point at infinity has no encoding")
        x, y = point
        return b"\x04" + x.to_bytes(self.size, "big") + y.to_bytes(self.size, "big")

    def decode(self, data: bytes) -> tuple[int, int]:
        """A point from its uncompressed encoding; ValueError if it is not on the curve."""
        if len(data) != 1 + 2 * self.size or data[0] != 4:
            raise ValueError("not an uncompressed point of this curve")
        point = (
            int.from_bytes(data[1 : 1 + self.size], "big"),
            int.from_bytes(data[1 + self.size :], "big"),
        )
        if not self.contains(point):
            raise ValueError("the point is not on the curve")
        return point


@dataclass(frozen=True)
class ModularGroup:
    """A prime-order subgroup of GF(p)* (the RFC 5114 groups that PACE-DH uses)."""

    name: str
    p: int
    g: int
    q: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def encode(self, element: int) -> bytes:
        return element.to_bytes(self.size, "big")

    def decode(self, data: bytes) -> int:
        """A group element from its bytes; ValueError unless 1 < y < p - 1 and y^q = 1."""
        if len(data) > self.size or not data:
            raise ValueError("not an element of this group")
        element = int.from_bytes(data, "big")
        if not 1 < element < self.p - 1 or pow(element, self.q, self.p) != 1:
            raise ValueError("not an element of this group")
        return element


DomainParameters = EllipticCurve | ModularGroup


def _hex(text: str) -> int:
    return int("".join(text.split()), 16)


BRAINPOOL_P256R1 = EllipticCurve(
    "brainpoolP256r1",
    p=_hex("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
    a=_hex("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
    b=_hex("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
    gx=_hex("8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"),
    gy=_hex("547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"),
    n=_hex("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
)
BRAINPOOL_P384R1 = EllipticCurve(
    "brainpoolP384r1",
    p=_hex(
        "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53"
    ),
    a=_hex(
        "7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826"
    ),
    b=_hex(
        "04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11"
    ),
    gx=_hex(
        "1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E"
    ),
    gy=_hex(
        "8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315"
    ),
    n=_hex(
        "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565"
    ),
)
BRAINPOOL_P512R1 = EllipticCurve(
    "brainpoolP512r1",
    p=_hex(
        "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330871"
        "7D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3"
    ),
    a=_hex(
        "7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC"
        "2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA"
    ),
    b=_hex(
        "3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A7"
        "2BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723"
    ),
    gx=_hex(
        "81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098E"
        "FF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822"
    ),
    gy=_hex(
        "7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111"
        "B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892"
    ),
    n=_hex(
        "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870"
        "553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069"
    ),
)
NIST_P256 = EllipticCurve(
    "NIST P-256",
    p=_hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"),
    a=_hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC"),
    b=_hex("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"),
    gx=_hex("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"),
    gy=_hex("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"),
    n=_hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"),
)
NIST_P384 = EllipticCurve(
    "NIST P-384",
    p=_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF"
    ),
    a=_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC"
    ),
    b=_hex(
        "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF"
    ),
    gx=_hex(
        "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7"
    ),
    gy=_hex(
        "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F"
    ),
    n=_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973"
    ),
)
NIST_P521 = EllipticCurve(
    "NIST P-521",
    p=(1 << 521) - 1,
    a=(1 << 521) - 4,
    b=_hex(
        "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF1"
        "09E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B50"
        "3F00"
    ),
    gx=_hex(
        "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D"
        "3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5"
        "BD66"
    ),
    gy=_hex(
        "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E"
        "662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD1"
        "6650"
    ),
    n=_hex(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E9138"
        "6409"
    ),
)

MODP_1024_160 = ModularGroup(
    "1024-bit MODP, 160-bit subgroup",
    p=_hex(
        "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61"
        "6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF"
        "ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0"
        "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371"
    ),
    g=_hex(
        "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31"
        "266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4"
        "D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A"
        "D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5"
    ),
    q=_hex("F518AA8781A8DF278ABA4E7D64B7CB9D49462353"),
)
MODP_2048_224 = ModularGroup(
    "2048-bit MODP, 224-bit subgroup",
    p=_hex(
        "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75"
        "E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A6"
        "6D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207"
        "C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A3170918836"
        "81286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A074"
        "15987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8"
        "BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29"
        "E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F"
    ),
    g=_hex(
        "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3"
        "A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652"
        "BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98A"
        "E247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D1"
        "19529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8AC"
        "B70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381"
        "B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD"
        "7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA"
    ),
    q=_hex("801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB"),
)
MODP_2048_256 = ModularGroup(
    "2048-bit MODP, 256-bit subgroup",
    p=_hex(
        "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00"
        "E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C"
        "209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B"
        "6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76"
        "B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8E"
        "F6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026"
        "C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103"
        "A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597"
    ),
    g=_hex(
        "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA125"
        "10DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62"
        "901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B"
        "777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193"
        "B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0A"
        "DB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915"
        "B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C3"
        "2F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659"
    ),
    q=_hex("8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3"),
)

#: The standardized domain parameter ids of ICAO 9303-11 §9.5.1 that this reader supports.
STANDARD_DOMAIN_PARAMETERS: dict[int, DomainParameters] = {
    0: MODP_1024_160,
    1: MODP_2048_224,
    2: MODP_2048_256,
    12: NIST_P256,
    13: BRAINPOOL_P256R1,
    15: NIST_P384,
    16: BRAINPOOL_P384R1,
    17: BRAINPOOL_P512R1,
    18: NIST_P521,
}
