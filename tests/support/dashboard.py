"""Helpers of the dashboard's tests: a `kiosk-fleet serve` process, a webhook receiver, waiting."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx2

T = TypeVar("T")
#: The password every test account gets.
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    condition: Callable[[], T], timeout: float = 20.0, interval: float = 0.05, what: str = ""
) -> T:
    """The first truthy value of `condition()`; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(interval)


def kiosk_fleet(
    *arguments: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `kiosk-fleet ARGUMENTS` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "fleet.cli", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def add_user(database: str, name: str, role: str, site: str | None = None) -> None:
    arguments = ["user", "add", name, "--role", role, "--db", database]
    if site:
        arguments += ["--site", site]
    result = kiosk_fleet(*arguments, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.returncode == 0, result.stderr


def create_token(database: str, name: str) -> str:
    result = kiosk_fleet("token", "create", "--user", name, "--db", database)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@dataclass
class ServeProcess:
    """`kiosk-fleet serve` in its own process, on a free HTTP port."""

    broker_url: str
    database: str
    log: Path
    extra: Sequence[str] = ()
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServeProcess:
        command = [
            sys.executable, "-m", "fleet.cli", "serve",
            "--broker", self.broker_url,
            "--db", self.database,
            "--http", f"127.0.0.1:{self.port}",
            "--insecure-cookies",
            "--monitor-interval", "0.2",
            *self.extra,
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self._subscribed, timeout, what=f"serve on {self.port} (log {self.log})")
        return self

    def _subscribed(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"serve exited {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
        try:
            return bool(httpx2.get(f"{self.url}/healthz", timeout=1).json()["ingest_subscribed"])
        except httpx2.HTTPError:
            return False

    def metric(self, token: str, name: str, labels: dict[str, str] | None = None) -> float:
        """One sample of /metrics (0 when absent)."""
        text = httpx2.get(f"{self.url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=5).text
        wanted = name + (
            "{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "}" if labels else ""
        )
        for line in text.splitlines():
            if line.startswith(wanted + " "):
                return float(line.split()[-1])
        return 0.0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class WebhookReceiver:
    """An HTTP server on a free port that records the JSON bodies posted to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
