"""The benchmark's startup measurement, run by `python main.py bench` in a fresh, offscreen process:

    python -m wizard.app.bench_startup      process start to the first wizard page painted

It runs the real entry point (`main()` with no arguments: the wizard) and stops at the first paint of the first
page; prints one JSON object with the wall-clock time of that paint (the parent subtracts its spawn time). Only
the standard library is imported before `main()`'s own imports, so every import the wizard makes counts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any


def startup() -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "WIZARD_DATA_DIR" not in os.environ:  # never the user's own state
        os.environ["WIZARD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-wizard-")
    from wizard.app.main import main
    from wizard.ui.bench_gui import quit_at_first_paint

    painted = quit_at_first_paint()
    code = main([])
    return {"exit_code": code, "shown_at": painted.get("at", 0.0)}


if __name__ == "__main__":
    print(json.dumps(startup()))
    sys.exit(0)
