"""Test support for the kiosk: the pilot that drives the real app, and the manual clock.

Imported by tests and benchmarks only, never by the product (an import contract checks it).
"""

from kiosk.testing.clock import ManualClock
from kiosk.testing.pilot import KEYPAD, KioskPilot, SettleTimeout

__all__ = ["KEYPAD", "KioskPilot", "ManualClock", "SettleTimeout"]
