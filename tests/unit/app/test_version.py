from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from wizard.app import version as version_module
from wizard.app.main import main

REPO = Path(__file__).resolve().parents[3]


def test_version_is_the_projects(capsys: pytest.CaptureFixture[str]) -> None:
    expected = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"], prog="district-wizard")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"district-wizard {expected}"


def test_a_checkout_never_installed_reads_its_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_installed(name: str) -> str:
        raise version_module.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", not_installed)
    version_module.version.cache_clear()
    try:
        expected = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
        assert version_module.version() == expected
    finally:
        version_module.version.cache_clear()
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "2.3.4"\n', encoding="utf-8")
    assert version_module.checkout_version(tmp_path / "pyproject.toml") == "2.3.4"
    (tmp_path / "broken.toml").write_text("[project\n", encoding="utf-8")
    assert version_module.checkout_version(tmp_path / "broken.toml") == version_module.UNKNOWN
    assert version_module.checkout_version(tmp_path / "missing.toml") == version_module.UNKNOWN
