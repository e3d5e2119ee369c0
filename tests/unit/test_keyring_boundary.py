"""Secrets stay behind one door: wizard/credentials.py is the only module that imports keyring."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONLY_IMPORTER = ROOT / "wizard" / "credentials.py"


def _imports_keyring(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if any(name == "keyring" or name.startswith(("keyring.", "keyrings")) for name in names):
            return True
    return False


def test_only_the_credentials_module_imports_keyring() -> None:
    sources = [*(ROOT / "wizard").rglob("*.py"), ROOT / "main.py"]
    importers = sorted(str(path.relative_to(ROOT)) for path in sources if _imports_keyring(path))
    assert importers == [str(ONLY_IMPORTER.relative_to(ROOT))]
