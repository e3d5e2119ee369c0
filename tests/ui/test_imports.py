"""Every wizard step goes through the hub's HTTP API: wizard/ui never reads the embedded hub's store.

Only starting the embedded hub (context, screenshot tour) and seeding the demo district may import
wizard.sandbox; everything else must work the same against a remote hub.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "wizard" / "ui"
ALLOWED = {
    "context.py": {"wizard.sandbox.server"},  # starts the embedded hub
    "screenshots.py": {"wizard.sandbox.server", "wizard.sandbox.settings"},  # the tour's private hub
    "demo.py": {"wizard.sandbox.seed"},  # the demo district's SIS files
    "support/launch.py": {"wizard.sandbox.seed"},  # seeds the demo district for the support view
}


def sandbox_imports(path: Path) -> set[str]:
    """The wizard.sandbox modules a file imports, at any depth (imports inside functions count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "wizard" else [f"wizard.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name == "wizard.sandbox" or name.startswith("wizard.sandbox."))
    return found


def test_the_ui_reaches_the_hub_only_over_http() -> None:
    offenders = {}
    for path in sorted(UI.rglob("*.py")):
        name = path.relative_to(UI).as_posix()
        extra = sandbox_imports(path) - ALLOWED.get(name, set())
        if extra:
            offenders[name] = sorted(extra)
    assert offenders == {}, "wizard/ui may reach the hub only through wizard.hub clients"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        "def load():\n    from wizard.sandbox.store import load_roster\n    import wizard.sandbox.db\n"
        "from wizard import sandbox\n",
        encoding="utf-8",
    )
    assert sandbox_imports(sample) == {"wizard.sandbox.store", "wizard.sandbox.db", "wizard.sandbox"}
