"""The roles of dashboard accounts (plain Python, so the command line can list them without the store)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  #: everything, including commands to kiosks
    MEDIATOR = "mediator"  #: their site's kiosks and help requests; acknowledges help requests
    VIEWER = "viewer"  #: reads everything, changes nothing
