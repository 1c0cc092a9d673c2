"""deploy/bin/content-update: new content is checked before it is used, swapped in by one rename,
and a refused one changes nothing; the last good release stays for a rollback."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CONTENT_UPDATE = REPOSITORY / "deploy/bin/content-update"
SHIPPED = REPOSITORY / "kiosk/content"
#: Two shipped procedures, enough for a content.
PROCEDURES = ("passeport", "prime-activite")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def fresh_content(directory: Path, checked: dt.date | None = None) -> Path:
    """A content folder (procedures/ and glossary.yaml) whose facts were checked on ``checked``."""
    (directory / "procedures").mkdir(parents=True)
    day = (checked or dt.date.today()).isoformat()
    for name in PROCEDURES:
        text = (SHIPPED / "procedures" / f"{name}.yaml").read_text(encoding="utf-8")
        text, count = re.subn(r"(?m)^(  checked: ).*$", rf"\g<1>{day}", text)
        assert count == 1
        (directory / "procedures" / f"{name}.yaml").write_text(text, encoding="utf-8")
    shutil.copy(SHIPPED / "glossary.yaml", directory / "glossary.yaml")
    return directory


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repository),
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            *arguments,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


class Site:
    """A content repository, and a kiosk's content directory fed from it."""

    def __init__(self, tmp_path: Path) -> None:
        self.repository = fresh_content(tmp_path / "source")
        git(self.repository, "init", "--quiet", "--initial-branch=main")
        self.commit("first content")
        self.content = tmp_path / "kiosk-content"
        self.environment = {
            **os.environ,
            "CONTENT_ROOT": str(self.content),
            "CONTENT_SOURCE": self.repository.as_uri(),
            "KIOSK_COMMAND": str(Path(sys.executable).parent / "kiosk"),
        }

    def commit(self, message: str) -> None:
        git(self.repository, "add", "--all")
        git(self.repository, "commit", "--quiet", "--allow-empty", "-m", message)

    def update(self, *arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(CONTENT_UPDATE), *arguments],
            env={**self.environment, **settings},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def link(self, name: str) -> str | None:
        path = self.content / name
        return os.readlink(path) if path.is_symlink() else None

    def releases(self) -> list[str]:
        return sorted(path.name for path in (self.content / "releases").iterdir())


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def test_without_a_source_nothing_happens(site: Site) -> None:
    result = site.update(CONTENT_SOURCE="")
    assert result.returncode == 0 and "no CONTENT_SOURCE" in result.stdout
    assert not site.content.exists()


def test_good_content_is_checked_then_swapped_in(site: Site) -> None:
    result = site.update()
    assert result.returncode == 0, result.stderr
    current = site.link("current")
    assert current is not None and re.fullmatch(r"releases/\d{8}T\d{6}Z-[0-9a-f]{8}", current)
    release = site.content / current
    assert sorted(path.name for path in release.iterdir()) == ["glossary.yaml", "procedures"]
    for name in PROCEDURES:
        source = site.repository / "procedures" / f"{name}.yaml"
        assert (release / "procedures" / f"{name}.yaml").read_bytes() == source.read_bytes()
    assert "2 procedure(s) valid, 0 file(s) refused" in result.stdout
    assert site.releases() == [Path(current).name], "the staging folder is gone"
    assert (site.content / "restart-needed").exists()
    assert site.link("previous") is None


def test_the_same_content_again_is_unchanged(site: Site) -> None:
    site.update()
    first = site.link("current")
    (site.content / "restart-needed").unlink()
    result = site.update()
    assert result.returncode == 0 and "unchanged" in result.stdout
    assert site.link("current") == first and site.releases() == [Path(str(first)).name]
    assert not (site.content / "restart-needed").exists(), "no restart for the same content"


def test_new_content_keeps_the_last_good_one_as_previous_and_rolls_back(site: Site) -> None:
    site.update()
    first = site.link("current")
    path = site.repository / "procedures/passeport.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("version: ", "version: 1", 1), encoding="utf-8")
    site.commit("a new version")
    assert site.update().returncode == 0
    second = site.link("current")
    assert second != first and site.link("previous") == first
    result = site.update("--rollback")
    assert result.returncode == 0, result.stderr
    assert (site.link("current"), site.link("previous")) == (first, second)


def bad_yaml(source: Path) -> None:
    (source / "procedures/passeport.yaml").write_text("id: [\n")


def bad_glossary(source: Path) -> None:
    (source / "glossary.yaml").write_text("terms: 3\n")


def no_procedures(source: Path) -> None:
    shutil.rmtree(source / "procedures")


def symbolic_link(source: Path) -> None:
    (source / "procedures/extra.yaml").symlink_to("/etc/hostname")


@pytest.mark.parametrize(
    "spoil", [bad_yaml, bad_glossary, no_procedures, symbolic_link], ids=lambda f: f.__name__
)
def test_refused_content_changes_nothing(site: Site, spoil: Callable[[Path], None]) -> None:
    site.update()
    before = (site.link("current"), site.releases())
    (site.content / "restart-needed").unlink()
    spoil(site.repository)
    site.commit("spoiled")
    result = site.update()
    assert result.returncode == 1
    assert "the content stays as it is" in result.stderr or "refused" in result.stderr
    assert (site.link("current"), site.releases()) == before
    assert not (site.content / "restart-needed").exists()


def test_facts_checked_too_long_ago_are_refused_strictly(site: Site, tmp_path: Path) -> None:
    old = fresh_content(tmp_path / "old", checked=dt.date(2020, 1, 15))
    shutil.rmtree(site.repository / "procedures")
    shutil.copytree(old / "procedures", site.repository / "procedures")
    site.commit("old facts")
    result = site.update()
    assert result.returncode == 1 and "error: facts checked on 15/01/2020" in result.stderr
    assert not (site.content / "current").exists()
    assert site.update(CONTENT_MAX_AGE="10y").returncode == 0


def test_an_archive_and_a_subdirectory_are_sources_too(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "content.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(site.repository / "procedures", arcname="contenu/procedures")
        tar.add(site.repository / "glossary.yaml", arcname="contenu/glossary.yaml")
    result = site.update(CONTENT_SOURCE=archive.as_uri(), CONTENT_SUBDIRECTORY="contenu")
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (site.content / "current/procedures").iterdir()) == [
        f"{name}.yaml" for name in PROCEDURES
    ]


def test_an_unreachable_source_changes_nothing(site: Site) -> None:
    result = site.update(CONTENT_SOURCE=(site.content.parent / "nowhere.git").as_uri())
    assert result.returncode == 1 and "cannot fetch" in result.stderr
    assert site.releases() == []


def test_old_releases_go_but_never_current_or_previous(site: Site) -> None:
    path = site.repository / "procedures/passeport.yaml"
    for round_number in range(4):
        text = path.read_text(encoding="utf-8")
        path.write_text(text + f"\n# round {round_number}\n", encoding="utf-8")
        site.commit(f"round {round_number}")
        assert site.update(CONTENT_KEEP="1").returncode == 0
    kept = {f"releases/{name}" for name in site.releases()}
    assert kept == {site.link("current"), site.link("previous")}


def test_the_kiosk_restarts_only_after_a_change(site: Site, tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "systemctl-calls"
    systemctl = fake_bin / "systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    systemctl.chmod(0o755)
    path = f"{fake_bin}:{os.environ['PATH']}"
    site.update()
    assert site.update("--restart-kiosk-if-changed", PATH=path).returncode == 0
    assert calls.read_text() == "try-restart inclusive-kiosk.service\n"
    assert site.update("--restart-kiosk-if-changed", PATH=path).returncode == 0
    assert calls.read_text() == "try-restart inclusive-kiosk.service\n", "once per change"
