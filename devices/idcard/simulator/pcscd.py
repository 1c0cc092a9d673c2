"""A private pcscd with vsmartcard's vpcd reader, for tests, benchmarks and demos (never the kiosk's own).

pcsc-lite 1.9 puts its socket at a fixed path (/run/pcscd/pcscd.comm; only the client library
reads PCSCLITE_CSOCK_NAME), so this pcscd runs in a mount namespace of its own (``unshare``,
through a user namespace when not root) where:

* a directory of ours is mounted on /run: the socket appears at ``<workdir>/run/pcscd/pcscd.comm``,
  which clients reach by setting PCSCLITE_CSOCK_NAME (before their first PC/SC call: libpcsclite
  remembers the name);
* pcscd's drivers directory is replaced by one holding only the vpcd driver, so the private
  pcscd never touches a real USB reader that the system's pcscd serves;
* its reader.conf points vpcd at a free TCP port (``DEVICENAME /dev/null:<port>``: vpcd listens
  there for its first reader, "Virtual PCD 00 00", and on the next port for the second).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path

#: Where Debian's vsmartcard-vpcd installs the driver, and its reader.conf.
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_READER_CONF = Path("/etc/reader.conf.d/vpcd")
#: The reader names vpcd gives pcscd (two slots).
VPCD_READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")
#: The socket's path relative to the mounted /run (pcscd's ipcdir is /run/pcscd).
SOCKET_IN_RUN = Path("pcscd") / "pcscd.comm"


def _pcscd() -> str | None:
    return shutil.which("pcscd") or next(
        (str(p) for p in (Path("/usr/sbin/pcscd"), Path("/sbin/pcscd")) if p.exists()), None
    )


@cache
def pcscd_directories() -> tuple[Path, Path]:
    """pcscd's ipcdir and usbdropdir, as ``pcscd --version`` reports them."""
    pcscd = _pcscd()
    ipc, drivers = Path("/run/pcscd"), Path("/usr/lib/pcsc/drivers")
    if pcscd:
        try:
            text = subprocess.run([pcscd, "--version"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            text = ""
        if found := re.search(r"ipcdir=(\S+)", text):
            ipc = Path(found.group(1))
        if found := re.search(r"usbdropdir=(\S+)", text):
            drivers = Path(found.group(1))
    return ipc, drivers


def vpcd_driver() -> Path | None:
    """The vpcd driver's path (from vsmartcard's reader.conf when it says)."""
    if VPCD_READER_CONF.exists():
        found = re.search(r"^\s*LIBPATH\s+(\S+)", VPCD_READER_CONF.read_text(), re.MULTILINE)
        if found and Path(found.group(1)).exists():
            return Path(found.group(1))
    return VPCD_DRIVER if VPCD_DRIVER.exists() else None


def _namespace_prefix() -> list[str]:
    prefix = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        prefix[1:1] = ["--user", "--map-root-user"]
    return prefix


@cache
def unavailable_reason() -> str | None:
    """Why a private pcscd cannot run here, or None when it can."""
    if _pcscd() is None:
        return "pcscd is not installed (Debian package pcscd)"
    if vpcd_driver() is None:
        return "the vpcd driver is not installed (Debian package vsmartcard-vpcd)"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is missing"
    probe = _namespace_prefix() + ["--", "sh", "-c", "mount --bind / / 2>/dev/null || mount -t tmpfs x /mnt"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as error:
        return f"cannot make a mount namespace: {error}"
    if result.returncode != 0:
        return (
            "cannot make a private mount namespace for pcscd (not root, and unprivileged user "
            f"namespaces are disabled): {result.stderr.strip()[:200]}"
        )
    return None


def free_port_pair() -> int:
    """A TCP port that is free, and whose successor is free too (vpcd's two readers)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("", port + 1))
                except OSError:
                    continue
                return port
    raise RuntimeError("no pair of free TCP ports")


class PrivatePcscd:
    """One private pcscd. ``start()`` launches it and waits until it serves; ``stop()`` ends it.

    ``socket_path`` is what PCSCLITE_CSOCK_NAME must name; ``port`` is vpcd's first reader's.
    ``apdu_log`` adds pcscd's APDU log (-d -a) to ``log_path``: only for simulated cards.
    """

    def __init__(
        self, workdir: str | Path | None = None, port: int | None = None, apdu_log: bool = False
    ) -> None:
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="kiosk-pcscd-"))
        self._owns_workdir = workdir is None
        #: vpcd's first reader's port; a free one is chosen at each start unless given.
        self.port = port or 0
        self._fixed_port = port is not None
        self.apdu_log = apdu_log
        self.log_path = self.workdir / "pcscd.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        return self.workdir / "run" / SOCKET_IN_RUN

    @property
    def reader_name(self) -> str:
        return VPCD_READERS[0]

    def environment(self) -> dict[str, str]:
        return {"PCSCLITE_CSOCK_NAME": str(self.socket_path)}

    def start(self, timeout: float = 15.0) -> None:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        driver = vpcd_driver()
        assert driver is not None
        if not self._fixed_port:
            self.port = free_port_pair()
        ipc_dir, drivers_dir = pcscd_directories()
        run = self.workdir / "run"
        run.mkdir(parents=True, exist_ok=True)
        drivers = self.workdir / "drivers"
        (drivers / "serial").mkdir(parents=True, exist_ok=True)
        shutil.copy2(driver, drivers / "serial" / driver.name)
        config = self.workdir / "reader.conf"
        config.write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:{self.port}\n"
            f"LIBPATH      {drivers_dir / 'serial' / driver.name}\n"
        )
        options = "-f -d -a" if self.apdu_log else "-f -i"
        script = (
            f'mount --bind "$1" "{ipc_dir.parent}" && mount --bind "$2" "{drivers_dir}" '
            f'&& exec "$4" {options} -c "$3"'
        )
        command = [
            *_namespace_prefix(),
            "--",
            "sh",
            "-c",
            script,
            "pcscd",
            str(run),
            str(drivers),
            str(config),
        ]
        command.append(_pcscd() or "pcscd")
        self.socket_path.unlink(missing_ok=True)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"pcscd exited ({self._process.returncode}): {self.log_tail()}")
            # vpcd opens its port while pcscd starts its readers, before "daemon ready".
            if self.socket_path.exists() and "daemon ready" in self.log_tail(4000):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"pcscd did not start within {timeout} s: {self.log_tail()}")

    def log_tail(self, characters: int = 1500) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def close(self) -> None:
        """Stops pcscd and removes the working directory this object made (not one it was given)."""
        self.stop()
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> PrivatePcscd:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
