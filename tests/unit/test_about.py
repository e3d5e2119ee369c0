from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from wizard import about as about_module
from wizard.app.main import main
from wizard.logs import log_file_path
from wizard.state import data_dir

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_version_is_the_projects(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"], prog="district-wizard")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"district-wizard {PROJECT['version']}"


def test_installed_the_version_comes_from_the_metadata_else_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(about_module, "CHECKOUT_PYPROJECT", tmp_path / "site-packages" / "pyproject.toml")
    monkeypatch.setattr(about_module.metadata, "version", lambda name: "7.8.9")
    about_module.version.cache_clear()
    try:
        assert about_module.version() == "7.8.9"

        def not_installed(name: str) -> str:
            raise about_module.metadata.PackageNotFoundError(name)

        monkeypatch.setattr(about_module.metadata, "version", not_installed)
        about_module.version.cache_clear()
        assert about_module.version() == about_module.UNKNOWN
    finally:
        about_module.version.cache_clear()


def test_a_checkout_reads_its_own_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "2.3.4"\n', encoding="utf-8")
    assert about_module.checkout_version(tmp_path / "pyproject.toml") == "2.3.4"
    (tmp_path / "broken.toml").write_text("[project\n", encoding="utf-8")
    assert about_module.checkout_version(tmp_path / "broken.toml") == about_module.UNKNOWN
    assert about_module.checkout_version(tmp_path / "missing.toml") == about_module.UNKNOWN


def test_about_names_the_data_folder_the_log_and_every_runtime_requirement_with_its_licence() -> None:
    facts = about_module.about()
    assert (facts.data_folder, facts.log_file) == (data_dir(), log_file_path())
    names = {about_module._key(component.name) for component in facts.components}
    for requirement in PROJECT["dependencies"]:
        name = about_module._name(requirement)
        assert name is not None and about_module._key(name) in names, name
    assert "shiboken6" in names  # followed through the requirements' own requirements
    assert facts.components[0].name == "Python"
    unlicensed = [c.name for c in facts.components if c.licence == about_module.NO_LICENCE]
    assert unlicensed == []
    qt = next(c for c in facts.components if about_module._key(c.name) == "pyside6-essentials")
    assert "LGPL-3.0" in qt.licence


def test_licence_falls_back_from_expression_to_field_to_classifiers() -> None:
    from email.message import Message

    def meta(**headers: str | list[str]) -> Message:
        message = Message()
        for key, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                message[key.replace("_", "-")] = item
        return message

    assert about_module.licence_of(meta(License_Expression="MIT", License="whatever")) == "MIT"  # type: ignore[arg-type]
    assert about_module.licence_of(meta(License="BSD")) == "BSD"  # type: ignore[arg-type]
    long_text = "Permission is hereby granted...\n" * 5
    classifier = "License :: OSI Approved :: Apache Software License"
    assert (
        about_module.licence_of(meta(License=long_text, Classifier=[classifier, "Topic :: X"]))  # type: ignore[arg-type]
        == "Apache Software License"
    )
    assert about_module.licence_of(meta()) == about_module.NO_LICENCE  # type: ignore[arg-type]
