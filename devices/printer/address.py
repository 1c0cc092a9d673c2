"""A printer's address, written as a URL in the configuration, parsed and checked (no driver imported).

==========================================  ===============================================
``tcp://HOST[:PORT]``                       network printer, raw TCP (port 9100 by default)
``usb://VID:PID``                           USB printer by vendor and product id, in hex
``serial:///dev/ttyUSB0[?baudrate=19200]``  serial printer (9600 baud by default)
``file:///dev/usb/lp0``                     a device file (or a plain file): no status
``sim://``                                  the simulator (records bytes, PNG preview)
==========================================  ===============================================

Options go in the URL's query or as keyword arguments (which win): ``profile`` (a
python-escpos profile name), ``columns``, ``timeout`` (status and connect, at most 2 s),
``send_timeout``; ``in_ep``/``out_ep`` for USB; ``baudrate`` for serial.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: How long a status answer is awaited, at most, in seconds (the brief: status never blocks long).
STATUS_TIMEOUT = 2.0
#: The speeds a receipt printer's serial port is set to (its DIP switches or setup mode).
BAUDRATES = (9600, 19200, 38400, 57600, 115200)
#: The schemes a printer URL may have.
SCHEMES = ("tcp", "usb", "serial", "file", "sim")
#: The raw-printing port of network receipt printers (JetDirect / AppSocket).
DEFAULT_PORT = 9100

_USB_IDS = re.compile(r"^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$", re.IGNORECASE)


def _number(kind: type[int] | type[float]) -> Callable[[Any], Any]:
    def convert(value: Any) -> int | float:
        if isinstance(value, str):
            return int(value, 0) if kind is int else float(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        return kind(value)

    return convert


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError
    return value


_COMMON = {
    "profile": _text,
    "columns": _number(int),
    "timeout": _number(float),
    "send_timeout": _number(float),
}
#: The options each scheme accepts, with how each value is read.
SCHEME_OPTIONS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "tcp": _COMMON,
    "usb": _COMMON | {"in_ep": _number(int), "out_ep": _number(int)},
    "serial": _COMMON | {"baudrate": _number(int)},
    "file": {"profile": _text, "columns": _number(int), "send_timeout": _number(float)},
    "sim": {"profile": _text, "columns": _number(int)},
}


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer URL: the scheme and what locates the printer for it, and its options."""

    scheme: str
    host: str = ""
    port: int = DEFAULT_PORT
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


def options_for(scheme: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``given`` for a ``scheme`` printer, each read and checked; ValueError names a bad one."""
    accepted = SCHEME_OPTIONS[scheme]
    options: dict[str, Any] = {}
    for name, value in given.items():
        if name not in accepted:
            expected = ", ".join(accepted)
            raise ValueError(f"{scheme}:// printers take no option {name!r} (expected: {expected})")
        try:
            options[name] = accepted[name](value)
        except (TypeError, ValueError):
            raise ValueError(f"option {name}={value!r} is not valid") from None
    timeout = options.get("timeout")
    if timeout is not None and not 0 < timeout <= STATUS_TIMEOUT:
        raise ValueError(
            f"option timeout={timeout} is out of range (more than 0, at most {STATUS_TIMEOUT} s)"
        )
    for name in ("in_ep", "out_ep"):
        if name in options and not 0 < options[name] <= 0xFF:
            raise ValueError(f"option {name}={options[name]:#x} is not a USB endpoint address (0x01 to 0xff)")
    if "baudrate" in options and options["baudrate"] not in BAUDRATES:
        raise ValueError(
            f"option baudrate={options['baudrate']} is not one of {', '.join(map(str, BAUDRATES))}"
        )
    if options.get("send_timeout", 1) <= 0:
        raise ValueError("option send_timeout must be more than 0 s")
    return options


def _query(url: str, query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ValueError(f"printer URL {url!r} has a malformed query") from None
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"printer URL {url!r} repeats an option")
    return dict(pairs)


def parse_printer_url(url: str) -> PrinterAddress:
    """The address in a printer URL (see the module's docstring). Raises ValueError with a plain
    message for an unknown scheme or a malformed URL."""
    if not isinstance(url, str) or "://" not in url:
        raise ValueError(f"printer address {url!r} is not a URL such as tcp://192.0.2.10:9100 or sim://")
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:
        raise ValueError(f"printer URL {url!r} is malformed ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        expected = ", ".join(f"{name}://" for name in SCHEMES)
        raise ValueError(f"unknown printer scheme {parts.scheme!r} in {url!r} (expected {expected})")
    if parts.fragment or parts.username or parts.password:
        raise ValueError(f"printer URL {url!r} may not have a user, password or #fragment")
    options = options_for(scheme, _query(url, parts.query))
    if scheme == "tcp":
        return _tcp(url, parts.netloc, parts.path, options)
    if scheme == "usb":
        found = _USB_IDS.match(parts.netloc)
        if not found or parts.path not in ("", "/"):
            raise ValueError(f"USB printer URL {url!r} must be usb://VID:PID in hex, such as usb://04b8:0e15")
        vendor_id, product_id = int(found.group(1), 16), int(found.group(2), 16)
        if not vendor_id or not product_id:
            raise ValueError(f"USB printer URL {url!r} has a zero vendor or product id")
        return PrinterAddress(scheme, vendor_id=vendor_id, product_id=product_id, options=options)
    if scheme in ("serial", "file"):
        if parts.netloc or not parts.path.startswith("/") or parts.path == "/":
            raise ValueError(
                f"{scheme} printer URL {url!r} must name an absolute path, such as {scheme}:///dev/..."
            )
        return PrinterAddress(scheme, path=parts.path, options=options)
    if parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"simulated printer URL {url!r} is just sim://")
    return PrinterAddress(scheme, options=options)


def _tcp(url: str, netloc: str, path: str, options: dict[str, Any]) -> PrinterAddress:
    if path not in ("", "/"):
        raise ValueError(f"network printer URL {url!r} has a path: expected tcp://HOST:PORT")
    try:
        parts = urlsplit(f"//{netloc}")
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError(f"network printer URL {url!r} has a bad port (1 to 65535)") from None
    if not host:
        raise ValueError(f"network printer URL {url!r} has no host: expected tcp://HOST:PORT")
    if port == 0:
        raise ValueError(f"network printer URL {url!r} has a bad port (1 to 65535)")
    return PrinterAddress("tcp", host=host, port=port or DEFAULT_PORT, options=options)
