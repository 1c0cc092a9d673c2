"""The library's own rules: pyscard only in pcsc.py, no upward imports, one docstring line per module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "devices" / "idcard"
MODULES = sorted(LIBRARY.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(LIBRARY)))
def test_module_rules(path: Path) -> None:
    imports = _imports(path)
    roots = {name.split(".")[0] for name in imports}
    assert not roots & {"kiosk", "screens"}, "a library never imports the application"
    if path.name != "pcsc.py":
        assert "smartcard" not in roots, "only pcsc.py imports pyscard"
    tree = ast.parse(path.read_text())
    docstring = ast.get_docstring(tree)
    assert docstring, "each module opens with a sentence saying what it is responsible for"
    assert len(path.read_text().splitlines()[0]) <= 110
    if path.name != "__init__.py":
        assert "__future__" in imports, "from __future__ import annotations"


def test_the_pure_parts_never_load_pyscard() -> None:
    pure = [
        "devices.idcard",
        "devices.idcard.factory",
        "devices.idcard.commands",
        "devices.idcard.reader",
        "devices.idcard.mrz",
        "devices.idcard.lds",
        "devices.idcard.passive_auth",
        "devices.idcard.secure_messaging.pace",
        "devices.idcard.secure_messaging.bac",
        "devices.idcard.simulator",
        "devices.idcard.simulator.vpcd",
        "devices.idcard.simulator.pcscd",
    ]
    code = f"import sys\nfor name in {pure!r}: __import__(name)\nprint('smartcard' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_interface_package_stays_light() -> None:
    """The kiosk's core imports devices.idcard for its types: no crypto, no pyscard behind it."""
    heavy = ("cryptography", "asn1crypto", "smartcard")
    code = f"import sys, devices.idcard\nprint(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
