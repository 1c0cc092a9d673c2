"""The udev rule for USB receipt printers: every usual vendor, for both ways to a printer."""

from __future__ import annotations

import re
from pathlib import Path

RULES = Path(__file__).parents[2] / "deploy" / "udev" / "60-kiosk-receipt-printer.rules"


def test_every_usual_vendor_gets_the_kiosk_group_raw_and_through_usblp() -> None:
    rules = [line for line in RULES.read_text().splitlines() if line.strip() and not line.startswith("#")]
    for rule in rules:
        assert 'GROUP="kiosk"' in rule and 'MODE="0660"' in rule
        assert all(re.fullmatch(r'[A-Z]+(\{\w+\})?(==|=|\+=)"[^"]*"', part) for part in rule.split(", "))
    for vendor in ("04b8", "0519", "1d90", "2730", "1504", "0416"):
        subsystems = {
            re.search(r'SUBSYSTEM=="(\w+)"', rule).group(1) for rule in rules if f'"{vendor}"' in rule
        }
        assert subsystems == {"usb", "usbmisc"}, vendor
    assert all('idProduct}=="5011"' in rule for rule in rules if '"0416"' in rule)
