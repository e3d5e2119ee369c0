"""The wizard opens without loading the roster engine, the hub's web stack or the SSH stack: those load when a
page first needs them (issue 14: startup within 1.5 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "numpy", "pyarrow", "fastapi", "uvicorn", "starlette", "asyncssh", "sqlalchemy")

PROBE = """
import json, sys
from wizard.ui.bench_gui import quit_at_first_paint
from wizard.app.main import main
painted = quit_at_first_paint()
code = main([])
print(json.dumps({"code": code, "painted": "at" in painted,
                  "loaded": sorted(m for m in %r if m in sys.modules)}))
"""


def test_the_first_page_shows_before_the_heavy_libraries_load(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "WIZARD_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH", "")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 0 and outcome["painted"]
    assert outcome["loaded"] == []
