"""Notifications: a webhook (the {"text": ...} that Teams, Slack and Mattermost accept) and e-mail."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """Sends one notification; may block (the monitor calls it on its own thread)."""

    def notify(self, subject: str, text: str) -> None: ...


@dataclass(frozen=True)
class WebhookNotifier:
    url: str
    timeout_s: float = 10.0

    def notify(self, subject: str, text: str) -> None:
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            response.read()


@dataclass(frozen=True)
class SmtpNotifier:
    """E-mail through an SMTP relay; STARTTLS when `starttls`, login when a user is given."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = True
    username: str | None = None
    password_file: Path | None = None
    timeout_s: float = 20.0

    def notify(self, subject: str, text: str) -> None:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password_file:
                smtp.login(self.username, self.password_file.read_text(encoding="utf-8").strip())
            smtp.send_message(message)


def send_all(notifiers: list[Notifier], subject: str, text: str) -> int:
    """Send through every notifier; a failing one is logged and does not stop the others."""
    sent = 0
    for notifier in notifiers:
        try:
            notifier.notify(subject, text)
            sent += 1
        except Exception as error:
            # The message may hold a URL with a token: log the kind of failure only.
            logger.warning("notification by %s failed: %s", type(notifier).__name__, type(error).__name__)
    return sent
