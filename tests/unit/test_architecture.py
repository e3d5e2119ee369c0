"""The import contracts in pyproject.toml (import-linter) hold, and they catch a forbidden import.

They replace the old AST scan of wizard/ui: layers (app > ui > session/cli > hub/support/roster/sandbox >
wire), wizard.ui never importing wizard.sandbox, wizard.roster never importing a hub client or the keyring,
pages never importing each other, and no import cycle in any package. `make lint` runs the same check.
The ban on PySide6 outside wizard/ui stays with ruff (TID251 in pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the [test] extra")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_new_forbidden_imports_even_inside_functions(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "wizard", tmp_path / "wizard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "wizard" / "ui" / "probe_page.py").write_text(
        "def load():\n    from wizard.sandbox.store import load_roster\n    return load_roster\n",
        encoding="utf-8",
    )
    (tmp_path / "wizard" / "roster" / "probe_upload.py").write_text(
        "import wizard.credentials\n", encoding="utf-8"
    )
    (tmp_path / "wizard" / "hub" / "probe_ui.py").write_text("import wizard.ui.style\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "wizard.ui.probe_page -> wizard.sandbox.store" in out
    assert "wizard.roster.probe_upload -> wizard.credentials" in out
    assert "wizard.hub.probe_ui -> wizard.ui.style" in out
