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


CHECK_PROBE = """
import json, sys, threading
from pathlib import Path

first = {}


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("pandas", "pyarrow") and name not in first:
            first[name] = threading.current_thread() is threading.main_thread()
        return None


sys.meta_path.insert(0, Watch())
from wizard.demo import write_demo_sis_files
from wizard.ui import bench_gui
from wizard.ui.worker import Worker

inputs = write_demo_sis_files(Path(sys.argv[1]))
app, window, page = bench_gui._prepare_page(inputs)
page.check(use_edited_mapping=False)
bench_gui._spin_until(lambda: page.result is not None and not Worker.running(), 120)
print(json.dumps({"errors": page.result.error_count, "on_gui_thread": first}))
bench_gui._close(window, page)
"""


def test_a_check_loads_the_roster_engine_off_the_gui_thread(tmp_path: Path) -> None:
    # importing pandas and pyarrow holds the interpreter for long stretches: on the GUI thread that froze the
    # window when the first check started (the wizard no longer loads them at startup)
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "WIZARD_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH", "")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHECK_PROBE, str(tmp_path / "in")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["on_gui_thread"] == {"pandas": False, "pyarrow": False}
