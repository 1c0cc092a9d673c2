"""A fake network receipt printer for tests, and a decoder for the ESC/POS bytes it receives.

``FakeNetworkPrinter`` listens on a free localhost port, records every byte, answers DLE EOT
requests with the status the test chooses (online, cover, paper), and can drop the connection
or run out of paper part way through a receipt. Like a printer that parses its input, it
passes over the data of image and 2D-code commands (GS v 0, GS ( k, GS ( L) without looking
for requests inside them, so its answers come only for real requests.

``decode`` splits ESC/POS bytes into commands, so tests assert on what was sent rather than
on offsets. The ``fake_printer`` fixture gives a started fake and closes it afterwards.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

DLE_EOT = b"\x10\x04"


@dataclass(frozen=True)
class Command:
    """One ESC/POS command: its name and argument bytes (the text itself for ``text``)."""

    name: str
    data: bytes = b""


#: ESC commands with one argument byte, by their letter.
_ESC_ONE = {
    b"t": "codepage",
    b"E": "bold",
    b"a": "align",
    b"!": "mode",
    b"d": "feed",
    b"-": "underline",
    b"M": "font",
    b"3": "line_spacing",
    b"{": "upside_down",
    b"G": "double_strike",
}
#: GS commands with one argument byte.
_GS_ONE = {b"!": "size", b"B": "reverse", b"b": "smoothing"}


def _length(data: bytes | bytearray, start: int) -> int | None:
    """The length of the command at ``start``, or None if more bytes are needed to know it.
    Raises ValueError for a command this decoder does not know."""
    first = data[start]
    rest = len(data) - start
    if first == 0x10:  # DLE EOT n
        return 3 if rest >= 3 else None
    if first == 0x1B:
        if rest < 2:
            return None
        letter = bytes(data[start + 1 : start + 2])
        if letter == b"@" or letter == b"2":
            return 2
        if letter in _ESC_ONE:
            return 3
        raise ValueError(f"unknown command ESC {letter!r} at {start}")
    if first == 0x1D:
        if rest < 3:
            return None
        letter = bytes(data[start + 1 : start + 2])
        if letter in _GS_ONE:
            return 3
        if letter == b"V":  # GS V m, or GS V m n for m = 65, 66
            return 4 if data[start + 2] in (65, 66) else 3
        if letter == b"v":  # GS v 0 m xL xH yL yH data
            if rest < 8:
                return None
            width, height = struct.unpack_from("<HH", data, start + 4)
            return 8 + width * height
        if letter == b"(":  # GS ( X pL pH data
            if rest < 5:
                return None
            return 5 + struct.unpack_from("<H", data, start + 3)[0]
        raise ValueError(f"unknown command GS {letter!r} at {start}")
    return 1


def decode(data: bytes) -> list[Command]:
    """``data`` as commands: ``text`` runs (still in the printer's code page), ``lf``, and
    ``init``, ``codepage``, ``bold``, ``align``, ``mode``, ``size``, ``feed``, ``cut``,
    ``raster`` (GS v 0), ``qr`` (GS ( k, one per function), ``graphics``, ``status_request``."""
    commands: list[Command] = []
    position = 0
    while position < len(data):
        first = data[position]
        if first == 0x0A:
            commands.append(Command("lf"))
            position += 1
            continue
        if first >= 0x20:
            end = position
            while end < len(data) and data[end] >= 0x20:
                end += 1
            commands.append(Command("text", data[position:end]))
            position = end
            continue
        length = _length(data, position)
        if length is None or position + length > len(data):
            raise ValueError(f"truncated command at {position}")
        chunk = data[position : position + length]
        name = _name(chunk)
        # Arguments: after the two command bytes; for GS ( X, after its length too (cn fn m data).
        commands.append(Command(name, chunk[5:] if chunk[:2] == b"\x1d(" else chunk[2:]))
        position += length
    return commands


def _name(chunk: bytes) -> str:
    if chunk.startswith(DLE_EOT):
        return "status_request"
    if chunk[:2] == b"\x1b@":
        return "init"
    if chunk[0] == 0x1B:
        return _ESC_ONE.get(chunk[1:2], "esc")
    letter = chunk[1:2]
    if letter == b"V":
        return "cut"
    if letter == b"v":
        return "raster"
    if letter == b"(":
        return {b"k": "qr", b"L": "graphics"}.get(chunk[2:3], "gs_paren")
    return _GS_ONE[letter]


def text_lines(data: bytes, codec: str = "cp858") -> list[str]:
    """The text of ``data`` decoded from ``codec``, one string per line feed."""
    lines, current = [], ""
    for command in decode(data):
        if command.name == "text":
            current += command.data.decode(codec)
        elif command.name == "lf":
            lines.append(current)
            current = ""
    return lines + ([current] if current else [])


def qr_payloads(data: bytes) -> list[bytes]:
    """The data of each native QR code (GS ( k, function 80: store the symbol's data)."""
    # A GS ( k command's arguments: cn ("1": QR), fn ("P": store), m ("0"), then the payload.
    return [c.data[3:] for c in decode(data) if c.name == "qr" and c.data[:2] == b"1P"]


def raster_images(data: bytes) -> list[tuple[int, int]]:
    """(width in dots, height in dots) of each GS v 0 raster image."""
    sizes = []
    for command in decode(data):
        if command.name == "raster":
            width_bytes, height = struct.unpack_from("<HH", command.data, 2)
            sizes.append((width_bytes * 8, height))
    return sizes


class FakeNetworkPrinter:
    """A receipt printer on ``127.0.0.1:port``; set ``online``, ``cover_open``, ``paper`` ("ok",
    "near_end", "out"), ``answers`` (False: it never answers DLE EOT), ``drop_after`` (close the
    connection once that many receipt bytes came) and ``paper_out_after`` (run out after that
    many). ``received`` has every byte; ``receipts`` the bytes of each job, requests left out.

    Threads: it serves on its own daemon threads; the attributes are read as each byte comes.
    """

    def __init__(self) -> None:
        self.online = True
        self.cover_open = False
        self.paper = "ok"
        self.answers = True
        self.drop_after: int | None = None
        self.paper_out_after: int | None = None
        self.received = bytearray()
        self.receipts: list[bytes] = []
        self.requests: list[int] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="fake-printer", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def printed(self) -> bytes:
        """The last receipt's bytes."""
        with self._lock:
            return self.receipts[-1] if self.receipts else b""

    def wait_for_receipts(self, count: int = 1, timeout: float = 5.0) -> list[bytes]:
        """The receipts, once ``count`` jobs have ended (their connection closed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.receipts) >= count:
                    return list(self.receipts)
            time.sleep(0.01)
        raise AssertionError(f"{len(self.receipts)} receipts came, not {count}")

    def status_byte(self, request: int) -> int:
        paper_out = self.paper == "out"
        if request == 1:
            return 0x12 | (0x08 if not self.online or self.cover_open or paper_out else 0)
        if request == 2:
            return (
                0x12
                | (0x04 if self.cover_open else 0)
                | (0x20 if paper_out else 0)
                | (0 if self.online else 0x40)
            )
        if request == 4:
            near_end = self.paper in ("near_end", "out")
            return 0x12 | (0x0C if near_end else 0) | (0x60 if paper_out else 0)
        return 0x12

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        pending = bytearray()
        job = bytearray()
        with connection:
            while True:
                try:
                    chunk = connection.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                with self._lock:
                    self.received += chunk
                pending += chunk
                if not self._handle(connection, pending, job):
                    # Dropped: RST, as a printer that loses power or its link does.
                    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
        if job:
            with self._lock:
                self.receipts.append(bytes(job))

    def _handle(self, connection: socket.socket, pending: bytearray, job: bytearray) -> bool:
        """Consume whole commands from ``pending``; False when the connection is to drop."""
        while pending:
            try:
                length = _length(pending, 0) if pending[0] in (0x10, 0x1B, 0x1D) else 1
            except ValueError:
                length = 1  # a command the decoder does not know: recorded byte by byte
            if length is None or length > len(pending):
                return True  # wait for the rest
            command = bytes(pending[:length])
            del pending[:length]
            if command.startswith(DLE_EOT):
                self.requests.append(command[2])
                if self.answers:
                    try:
                        connection.sendall(bytes((self.status_byte(command[2]),)))
                    except OSError:
                        return False
                continue
            job += command
            if self.paper_out_after is not None and len(job) >= self.paper_out_after:
                self.paper, self.paper_out_after = "out", None
            if self.drop_after is not None and len(job) >= self.drop_after:
                self.drop_after = None
                return False
        return True

    def close(self) -> None:
        """Stop listening: a printer switched off (connections are refused from now on)."""
        self._closed.set()
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass  # already closed
        self._server.close()
        self._thread.join(timeout=5)


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    """A fake network printer, online with paper, closed after the test."""
    printer = FakeNetworkPrinter()
    try:
        yield printer
    finally:
        printer.close()
