"""The site configuration (TOML), validated with one clear message per bad key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from accessibility.languages import LANGUAGE_NAMES
from devices.printer.address import parse_printer_url

#: The configuration used by `kiosk run --demo` and by tests: a fictitious France Services point.
DEMO_CONFIG = Path(__file__).parent / "content" / "demo-site.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Place(_Section):
    """A place a citizen may be sent to: this site, the mairie, the CAF office..."""

    name: str
    address: str
    hours: list[str] = []
    appointment: str = ""
    phone: str = ""


class Languages(_Section):
    offered: Annotated[list[str], Field(min_length=1)] = ["fr"]
    default: str = "fr"

    @field_validator("offered")
    @classmethod
    def _known(cls, offered: list[str]) -> list[str]:
        unknown = [code for code in offered if code not in LANGUAGE_NAMES]
        if unknown:
            raise ValueError(f"unknown language {unknown}; known: {', '.join(LANGUAGE_NAMES)}")
        if "fr" not in offered:
            raise ValueError("French ('fr') must be offered: every text falls back to it")
        return offered


class Timeouts(_Section):
    #: Seconds without a touch or key before the "are you still there?" warning.
    idle_seconds: Annotated[int, Field(ge=30, le=3600)] = 90
    #: Seconds the warning stays before the session is wiped (WCAG 2.2.1: at least 20).
    warning_seconds: Annotated[int, Field(ge=20, le=600)] = 30
    #: How many times "Je suis encore là" may extend the session (WCAG 2.2.1: at least 10).
    max_extensions: Annotated[int, Field(ge=10, le=1000)] = 20


class Printer(_Section):
    """The receipt printer, by its address (see docs/printer.md): ``tcp://HOST:9100``,
    ``usb://VID:PID``, ``serial:///dev/ttyUSB0?baudrate=19200``, ``file:///dev/usb/lp0`` or
    ``sim://`` (the simulator, the default)."""

    url: str = "sim://"
    #: The paper's width in millimetres: the receipt's line length follows it.
    paper_mm: Literal[58, 80] = 80
    #: Seconds between two status polls (paper, cover, online) between receipts.
    poll_seconds: Annotated[float, Field(ge=5, le=600)] = 30.0

    @field_validator("url")
    @classmethod
    def _address(cls, url: str) -> str:
        parse_printer_url(url)
        return url

    @property
    def simulated(self) -> bool:
        return parse_printer_url(self.url).scheme == "sim"


class CardReader(_Section):
    """The identity-card reader: "simulated" (a demo card, CAN 123456), "pcsc" (a contactless
    reader through pcscd), or "none"."""

    type: Literal["simulated", "pcsc", "none"] = "simulated"
    #: With "pcsc": the reader's name, or part of it ("" = the first contactless reader).
    reader: str = ""
    #: The CSCA certificates (a file, a directory or a master list) that passive authentication
    #: checks the cards' signatures against; none: the signature is checked, not its issuer.
    csca: Path | None = None


class Devices(_Section):
    printer: Printer = Printer()
    card_reader: CardReader = CardReader()


class Mediator(_Section):
    #: scrypt hash made with `kiosk pin-hash`; never the PIN itself.
    pin_hash: Annotated[str, Field(pattern=r"^scrypt\$\d+\$\d+\$\d+\$[0-9a-f]+\$[0-9a-f]+$")]
    #: Seconds of the long press on the top-left corner that opens the PIN pad.
    long_press_seconds: Annotated[float, Field(ge=1.5, le=10)] = 3.0


#: The broker URL schemes the fleet agent speaks (docs/fleet.md).
BROKER_SCHEMES = ("mqtt", "mqtts", "ws", "wss")


class Fleet(_Section):
    """Reporting to the fleet's MQTT broker (docs/fleet.md); off unless ``enabled``."""

    enabled: bool = False
    #: ``mqtt://host:1883``, ``mqtts://host:8883`` (TLS), ``ws://`` or ``wss://host:443``.
    broker_url: str = "mqtt://127.0.0.1:1883"
    #: This site's id in the fleet's topics: lowercase letters, digits, "-" and "_".
    site: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")] = "site"
    #: The kiosk's broker account ("<site>/<kiosk_id>" with deploy/mosquitto) and its password's
    #: file (first line, readable by the kiosk's user only).
    username: str | None = None
    password_file: Path | None = None
    #: The CA certificate of the broker's certificate (mqtts://, wss://); none: the system's CAs.
    ca_file: Path | None = None
    keepalive: Annotated[int, Field(ge=5, le=3600)] = 30
    #: Seconds between two health reports.
    health_interval: Annotated[float, Field(ge=5, le=3600)] = 30.0
    #: Where the unsent events and the birth counter are kept; none: $STATE_DIRECTORY (systemd),
    #: else ~/.local/state/inclusive-kiosk.
    data_dir: Path | None = None

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in BROKER_SCHEMES or not parts.hostname:
            schemes = ", ".join(f"{scheme}://" for scheme in BROKER_SCHEMES)
            raise ValueError(f"{url!r} is not a broker URL ({schemes} and a host)")
        if parts.username or parts.password:
            raise ValueError(
                "put the account in `username` and the password in `password_file`, not in the URL"
            )
        return url


class Display(_Section):
    fullscreen: bool = True
    #: Window size when not full screen, e.g. [1080, 1920] for a portrait totem.
    size: tuple[Annotated[int, Field(ge=320)], Annotated[int, Field(ge=320)]] = (1280, 800)
    #: Pixels per millimetre of the screen, for the size of capital letters (EN 301 549 5.1.4).
    pixels_per_mm: Annotated[float, Field(gt=1, lt=40)] = 4.0
    #: No screen transitions unless a citizen turns them on in the display settings.
    reduce_motion: bool = True


#: Default keypad: arrows, Enter, Backspace/Escape for "Retour", F1 for help, + and - for volume.
DEFAULT_KEYPAD: dict[str, list[int]] = {
    "up": [273],
    "down": [274],
    "left": [276],
    "right": [275],
    "enter": [13, 271],
    "back": [8, 27],
    "help": [282],
    "volume_up": [270, 43],
    "volume_down": [269, 45],
}


class Keypad(_Section):
    """Keypad keys by name: a USB keypad arrives as key events with these Kivy key codes."""

    up: list[int] = DEFAULT_KEYPAD["up"]
    down: list[int] = DEFAULT_KEYPAD["down"]
    left: list[int] = DEFAULT_KEYPAD["left"]
    right: list[int] = DEFAULT_KEYPAD["right"]
    enter: list[int] = DEFAULT_KEYPAD["enter"]
    back: list[int] = DEFAULT_KEYPAD["back"]
    help: list[int] = DEFAULT_KEYPAD["help"]
    volume_up: list[int] = DEFAULT_KEYPAD["volume_up"]
    volume_down: list[int] = DEFAULT_KEYPAD["volume_down"]

    def actions_by_code(self) -> dict[int, str]:
        """Key code -> key name; a code given to two keys is refused when the file is read."""
        return {code: name for name, codes in self.model_dump().items() for code in codes}

    @model_validator(mode="after")
    def _codes_unique(self) -> Keypad:
        codes = [code for codes in self.model_dump().values() for code in codes]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"key codes {repeated} are given to more than one key")
        return self


class SiteConfig(_Section):
    kiosk_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
    site: Place
    places: dict[str, Place] = {}
    languages: Languages = Languages()
    timeouts: Timeouts = Timeouts()
    devices: Devices = Devices()
    mediator: Mediator
    fleet: Fleet = Fleet()
    display: Display = Display()
    keypad: Keypad = Keypad()
    content_directory: Path | None = None

    def place(self, key: str | None) -> Place | None:
        """The configured place for a procedure's ``where.place`` key ("site" is this site)."""
        if key == "site":
            return self.site
        return self.places.get(key) if key else None


def load_config(path: Path | None = None) -> SiteConfig:
    """Read and validate a configuration file (the demo one when ``path`` is None)."""
    path = path or DEMO_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as error:
        lines = [f"{path}: {len(error.errors())} problem(s) in the configuration"]
        for item in error.errors():
            key = ".".join(str(part) for part in item["loc"]) or "(top level)"
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown key (check its spelling and section)"
            lines.append(f"  key `{key}`: {message}")
        raise ConfigError("\n".join(lines)) from None
    if config.languages.default not in config.languages.offered:
        raise ConfigError(f"{path}: key `languages.default`: must be one of languages.offered")
    if config.content_directory and not config.content_directory.is_absolute():
        config = config.model_copy(update={"content_directory": path.parent / config.content_directory})
    return config
