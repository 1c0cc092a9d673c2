"""Puts a simulated card on vsmartcard's virtual reader (vpcd): the card side of vpcd's TCP protocol.

pcscd's vpcd driver listens on a TCP port (35963 for its first reader by default) and waits for
a card to connect. Every message either way is a 2-byte big-endian length and its bytes. From
vpcd, a 1-byte message is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR);
anything longer is a command APDU. The card answers the ATR request and every APDU. Closing the
connection is taking the card off the reader.
"""

from __future__ import annotations

import argparse
import logging
import socket
import threading
import time

from devices.idcard.simulator.chip import CardGone, SimulatedCard

logger = logging.getLogger(__name__)

#: vpcd's default port for its first reader ("Virtual PCD 00 00"); the second is the next one.
VPCD_DEFAULT_PORT = 35963
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4


def _receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks = b""
    while len(chunks) < size:
        try:
            _acknowledge_at_once(connection)
            chunk = connection.recv(size - len(chunks))
        except OSError:
            return None
        if not chunk:
            return None
        chunks += chunk
    return chunks


def _acknowledge_at_once(connection: socket.socket) -> None:
    """vpcd 3.3 writes a message's length and its bytes in two sends: with Nagle's algorithm on
    its side and delayed acknowledgements on ours, every APDU would wait 40 ms for nothing."""
    quick_ack = getattr(socket, "TCP_QUICKACK", None)
    if quick_ack is not None:
        try:
            connection.setsockopt(socket.IPPROTO_TCP, quick_ack, 1)
        except OSError:
            pass


class VpcdCard:
    """A ``SimulatedCard`` on a vpcd reader. ``insert`` connects (and starts the thread that
    answers vpcd), ``remove`` disconnects; both may be called from any thread."""

    def __init__(self, card: SimulatedCard, host: str = "127.0.0.1", port: int = VPCD_DEFAULT_PORT) -> None:
        self.card = card
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        #: APDUs answered since the card was inserted.
        self.apdus = 0

    @property
    def inserted(self) -> bool:
        return self._socket is not None

    def insert(self, timeout: float = 5.0) -> None:
        """Connects to vpcd (retrying until ``timeout`` while pcscd starts)."""
        if self.inserted:
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        connection.settimeout(None)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.card.enter()
        self.apdus = 0
        with self._lock:
            self._socket = connection
        self._thread = threading.Thread(target=self._serve, args=(connection,), name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        with self._lock:
            connection, self._socket = self._socket, None
        if connection is not None:
            self.card.leave()
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self._thread = None

    def _send(self, connection: socket.socket, message: bytes) -> None:
        connection.sendall(len(message).to_bytes(2, "big") + message)

    def _serve(self, connection: socket.socket) -> None:
        try:
            while True:
                header = _receive_exactly(connection, 2)
                if header is None:
                    return
                message = _receive_exactly(connection, int.from_bytes(header, "big"))
                if message is None:
                    return
                if len(message) == 1:
                    code = message[0]
                    if code == GET_ATR:
                        self._send(connection, self.card.atr)
                    elif code in (POWER_ON, RESET, POWER_OFF):
                        self.card.power_on()
                    continue
                try:
                    response = self.card.process(message)
                except CardGone:
                    logger.debug("simulated card left the vpcd reader")
                    return
                self.apdus += 1
                self._send(connection, response)
        except OSError:
            return
        finally:
            with self._lock:
                if self._socket is connection:
                    self._socket = None
                    self.card.leave()
            try:
                connection.close()
            except OSError:
                pass


def main(argv: list[str] | None = None) -> None:
    """``python -m devices.idcard.simulator.vpcd``: puts a demo card on a vpcd reader until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Put a simulated identity card on vsmartcard's vpcd reader.")
    parser.add_argument("--card", choices=("cnie", "passport"), default="cnie")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=VPCD_DEFAULT_PORT)
    parser.add_argument("--csca", help="write the simulation's CSCA certificate (PEM) to this file")
    arguments = parser.parse_args(argv)
    from devices.idcard.simulator.pki import simulated_pki

    card = SimulatedCard.cnie() if arguments.card == "cnie" else SimulatedCard.passport()
    if arguments.csca:
        simulated_pki().csca.write(arguments.csca)
    placed = VpcdCard(card, arguments.host, arguments.port)
    placed.insert(timeout=30.0)
    print(f"{arguments.card} on the vpcd reader at {arguments.host}:{arguments.port}; Ctrl-C takes it off")
    try:
        while placed.inserted:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        placed.remove()


if __name__ == "__main__":
    main()
