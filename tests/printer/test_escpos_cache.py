"""python-escpos's printer database is parsed once and kept in the kiosk's cache directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devices.printer.escpos_cache import PICKLE_DIR, keep_escpos_database


def test_systemd_cache_directory_comes_first(tmp_path: Path) -> None:
    environment = {"CACHE_DIRECTORY": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    directory = keep_escpos_database(environment)
    assert directory == tmp_path / "cache" / "escpos"
    assert environment[PICKLE_DIR] == str(directory)
    assert directory.is_dir() and directory.stat().st_mode & 0o777 == 0o700


def test_the_user_cache_directory_without_systemd(tmp_path: Path) -> None:
    environment = {"XDG_CACHE_HOME": str(tmp_path)}
    assert keep_escpos_database(environment) == tmp_path / "inclusive-kiosk" / "escpos"


def test_a_directory_already_chosen_is_kept(tmp_path: Path) -> None:
    environment = {PICKLE_DIR: "/srv/escpos", "XDG_CACHE_HOME": str(tmp_path)}
    assert keep_escpos_database(environment) == Path("/srv/escpos")
    assert environment[PICKLE_DIR] == "/srv/escpos"


def test_no_directory_leaves_python_escpos_as_it_was(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    environment = {"XDG_CACHE_HOME": str(blocker)}
    assert keep_escpos_database(environment) is None
    assert PICKLE_DIR not in environment


def test_importing_the_printer_package_keeps_the_database_where_the_next_start_finds_it(
    tmp_path: Path,
) -> None:
    environment = {
        key: value for key, value in os.environ.items() if key not in (PICKLE_DIR, "CACHE_DIRECTORY")
    }
    environment["XDG_CACHE_HOME"] = str(tmp_path)
    environment["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    probe = "import devices.printer.driver, escpos.capabilities as c; print(c.pickle_path)"
    for _start in range(2):
        output = subprocess.run(
            [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
        )
        pickle = Path(output.stdout.strip())
        assert pickle.parent == tmp_path / "inclusive-kiosk" / "escpos"
        assert pickle.is_file()
    # No copy of the database left in temporary directories (python-escpos wrote one into a new
    # directory at every start; it still makes that directory, empty, whatever it is told).
    assert list((tmp_path / "tmp").glob("*/*")) == []
