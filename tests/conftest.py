"""Test set-up: Kivy's environment before it is first imported; the shared fixtures of tests/support/."""

from __future__ import annotations

import logging
import os
import tempfile

from kiosk.bootstrap import prepare_kivy

# A private Kivy home, so tests never write to the user's ~/.kivy; then the product's Kivy
# settings, whichever test opens Kivy's window first (importing a Kivy widget or kivy.metrics
# opens it, with the settings of that moment: multisampling came back that way).
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")
# Kivy's warning that it wrote a fresh configuration into that home would otherwise reach the
# terminal through logging's last resort, in the process that runs no test (xdist's controller).
logging.getLogger("kivy").addHandler(logging.NullHandler())
prepare_kivy()

# tests/ is on sys.path (pytest's "prepend" import mode): the support package is importable.
pytest_plugins = [
    "support.fixtures",
    "support.pcsc",
    "support.fake_printer",
    "support.mosquitto",
    "support.postgres",
]
