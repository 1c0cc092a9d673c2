"""Test set-up: Kivy's environment before it is first imported; the shared fixtures of tests/support/."""

from __future__ import annotations

import os
import tempfile

# Kivy reads these when first imported: no argument parsing, logs through Python logging, and a
# private home so tests never write to the user's ~/.kivy.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_LOG_MODE"] = "PYTHON"
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")

# tests/ is on sys.path (pytest's "prepend" import mode): the support package is importable.
pytest_plugins = [
    "support.fixtures",
    "support.pcsc",
    "support.fake_printer",
    "support.mosquitto",
    "support.postgres",
]
