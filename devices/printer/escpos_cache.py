"""python-escpos's printer database parsed once and kept on disk, not again at every start."""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

#: The variable python-escpos reads, at its first import, for where to keep its parsed database.
PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def cache_directory(environment: Mapping[str, str]) -> Path:
    """systemd's ``CacheDirectory=``, else the user's cache directory."""
    given = environment.get("CACHE_DIRECTORY", "").split(":")[0]
    if given:
        return Path(given) / "escpos"
    base = environment.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "inclusive-kiosk" / "escpos"


def keep_escpos_database(environment: MutableMapping[str, str] = os.environ) -> Path | None:
    """Point python-escpos at a lasting cache directory; the directory, or None if none can be made.

    Left to itself, python-escpos parses its 1 MB printer database (YAML, in Python) at every
    import — 220 ms of the kiosk's start — and pickles the result into a new temporary
    directory each time, which it never reads again nor removes (72 kB a start; it still makes
    that directory, left empty, whatever it is told). Must run before escpos is
    first imported; a directory already chosen in the environment is kept. The directory is
    the kiosk user's own (0700): python-escpos loads the pickle it finds there.
    """
    if environment.get(PICKLE_DIR):
        return Path(environment[PICKLE_DIR])
    directory = cache_directory(environment)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: python-escpos parses its database as before
    environment[PICKLE_DIR] = str(directory)
    return directory
