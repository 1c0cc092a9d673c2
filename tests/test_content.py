"""Content files: every shipped procedure validates; broken files are refused with file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.content import DEFAULT_CONTENT_DIR, load_catalogue
from kiosk.procedures import TOPICS

REQUIRED = {
    "carte-identite",
    "passeport",
    "acte-de-naissance",
    "inscription-scolaire",
    "signaler-voirie",
    "changement-adresse",
    "prime-activite",
    "compte-ameli-carte-vitale",
    "inscription-france-travail",
    "declaration-revenus",
}


def test_shipped_procedures_all_load() -> None:
    catalogue = load_catalogue()
    assert [str(error) for error in catalogue.errors] == []
    assert REQUIRED <= set(catalogue.procedures)


def test_every_procedure_cites_service_public_and_a_check_date() -> None:
    for procedure in load_catalogue().procedures.values():
        assert procedure.source.url.host and procedure.source.checked.year >= 2022, procedure.id
        assert str(procedure.online_service.url).startswith("https://"), procedure.id


def test_every_topic_of_the_catalogue_has_a_procedure() -> None:
    assert set(load_catalogue().topics()) == set(TOPICS)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    for name in ("carte-identite.yaml", "passeport.yaml"):
        shutil.copy(DEFAULT_CONTENT_DIR / name, tmp_path / name)
    return tmp_path


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_bad_pictogram_is_reported_with_its_line_and_the_file_refused(content: Path) -> None:
    path = content / "carte-identite.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    line_number = next(i for i, line in enumerate(lines, 1) if "pictogram: id_card" in line)
    _break(path, "pictogram: id_card", "pictogram: no_such_picture")
    catalogue = load_catalogue(content)
    assert set(catalogue.procedures) == {"passeport"}
    assert len(catalogue.errors) == 1
    error = catalogue.errors[0]
    assert error.path == path and error.line == line_number
    assert "no_such_picture" in str(error) and f"carte-identite.yaml:{line_number}" in str(error)


def test_a_missing_french_text_is_refused(content: Path) -> None:
    path = content / "passeport.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:\n  fr:", "title:\n  en:", 1), encoding="utf-8")
    catalogue = load_catalogue(content)
    assert "passeport" not in catalogue.procedures
    assert any("French" in error.message for error in catalogue.errors)


def test_broken_yaml_is_reported_with_its_line(content: Path) -> None:
    (content / "broken.yaml").write_text("id: broken\nsteps: [\n  - nope: {\n", encoding="utf-8")
    catalogue = load_catalogue(content)
    assert {"carte-identite", "passeport"} == set(catalogue.procedures)
    (error,) = catalogue.errors
    assert error.path.name == "broken.yaml" and error.line is not None
    assert "not valid YAML" in error.message


def test_a_step_leading_nowhere_and_a_loop_are_refused(content: Path) -> None:
    path = content / "passeport.yaml"
    text = path.read_text(encoding="utf-8")
    first_step = text.split("  - id: ", 2)[1].split("\n", 1)[0]
    path.write_text(
        text.replace("    kind: info\n", f"    kind: info\n    next: {first_step}\n", 1),
        encoding="utf-8",
    )
    catalogue = load_catalogue(content)
    assert "passeport" not in catalogue.procedures
    assert any("loop" in error.message for error in catalogue.errors)


def test_content_check_command_prints_errors_and_exits_non_zero(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", str(content)]) == 0
    _break(content / "passeport.yaml", "version:", "version: -3\nold_version:")
    assert main(["content", "check", str(content)]) == 1
    captured = capsys.readouterr()
    assert "passeport.yaml:" in captured.err and "1 file(s) refused" in captured.out


def test_a_reload_keeps_the_last_good_version_of_a_broken_file(content: Path) -> None:
    first = load_catalogue(content)
    _break(content / "passeport.yaml", "version:", "version: -1\nold_version:")
    reloaded = load_catalogue(content, previous=first)
    assert reloaded.procedures["passeport"] is first.procedures["passeport"]
    assert any(error.path.name == "passeport.yaml" for error in reloaded.errors)
    (content / "passeport.yaml").unlink()
    assert "passeport" not in load_catalogue(content, previous=reloaded).procedures


def _old_copy(tmp_path: Path, checked: str) -> Path:
    directory = tmp_path / "procedures"
    directory.mkdir()
    text = (DEFAULT_CONTENT_DIR / "passeport.yaml").read_text(encoding="utf-8")
    text = re.sub(r"checked: \d{4}-\d{2}-\d{2}", f"checked: {checked}", text)
    (directory / "passeport.yaml").write_text(text, encoding="utf-8")
    return directory


def test_old_facts_are_a_warning_and_strict_makes_them_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _old_copy(tmp_path, "2020-01-15")
    assert main(["content", "check", str(directory)]) == 0
    output = capsys.readouterr()
    assert "passeport.yaml: warning: facts checked on 15/01/2020, more than 12m ago" in output.err
    assert "1 older than 12m" in output.out
    assert main(["content", "check", str(directory), "--strict"]) == 1
    assert "passeport.yaml: error: facts checked on 15/01/2020" in capsys.readouterr().err
    assert main(["content", "check", str(directory), "--max-age", "10y", "--strict"]) == 0
    assert main(["content", "check", str(directory), "--max-age", "soon"]) == 2


def test_the_content_version_changes_with_a_procedure_version(tmp_path: Path) -> None:
    directory = _old_copy(tmp_path, "2026-01-01")
    before = load_catalogue(directory)
    path = directory / "passeport.yaml"
    path.write_text(re.sub(r"^version: (\d+)", "version: 99", path.read_text(), flags=re.M), encoding="utf-8")
    after = load_catalogue(directory)
    assert before.version != after.version and len(after.version) == 8
    assert after.oldest_check is not None and after.oldest_check.isoformat() == "2026-01-01"


def _texts(value: object, where: str) -> list[tuple[str, dict[str, str]]]:
    """Every text of a content value (a dict with a French entry), with where it is."""
    from pydantic import BaseModel

    found: list[tuple[str, dict[str, str]]] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += _texts(getattr(value, name), f"{where}.{name}" if where else name)
    elif isinstance(value, dict) and isinstance(value.get("fr"), str):
        found.append((where, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _texts(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += _texts(item, f"{where}[{index}]")
    return found


@pytest.mark.parametrize("procedure_id", sorted(REQUIRED))
def test_every_text_of_every_procedure_is_in_english_and_arabic(procedure_id: str) -> None:
    procedure = load_catalogue().procedures[procedure_id]
    missing = [
        f"{where}: {language}"
        for where, text in _texts(procedure, "")
        for language in ("en", "ar")
        if not text.get(language, "").strip()
    ]
    assert not missing, f"{procedure_id}.yaml has French without its translation:\n" + "\n".join(missing)


def test_the_glossary_is_in_three_languages() -> None:
    from kiosk.glossary import load_glossary

    for term in load_glossary().terms.values():
        assert all(term.definition.get(language) for language in ("fr", "en", "ar")), term.id
