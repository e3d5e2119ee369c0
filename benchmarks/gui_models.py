"""How the wizard's table models cope with big rosters: python benchmarks/gui_models.py [ROWS]

The preview and issue list are models over the engine's frames (nothing copied into items), so opening them
costs nothing and a live filter over 100,000 issues stays interactive. Prints the timings; run offscreen.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pandas as pd

from wizard.ui.models import FrameModel, IssueFilter, IssueModel


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"{label:<48} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def main(rows: int) -> None:
    students = pd.DataFrame(
        {
            "Student_id": [f"{i:07d}" for i in range(rows)],
            "First_name": ["Ava"] * rows,
            "Last_name": [f"Name{i % 997}" for i in range(rows)],
            "Grade": [str(1 + i % 12) for i in range(rows)],
        },
        dtype="string",
    )
    issues = pd.DataFrame(
        {
            "severity": ["warning" if i % 3 else "error" for i in range(rows)],
            "code": [("duplicate_id", "invalid_grade", "invalid_email")[i % 3] for i in range(rows)],
            "file": ["students.csv"] * rows,
            "row": pd.array(range(2, rows + 2), dtype="Int64"),
            "column": ["Grade"] * rows,
            "value": [str(i % 40) for i in range(rows)],
            "message": [f"Problem number {i}" for i in range(rows)],
        }
    )
    model = _timed(
        f"preview model over {rows:,} rows", lambda: FrameModel(students, error_rows=range(0, rows, 7))
    )
    _timed(
        "read the first 50 visible rows (all columns)",
        lambda: [model.index(r, c).data() for r in range(50) for c in range(model.columnCount())],
    )
    issue_model = _timed(f"issue model over {rows:,} issues", lambda: IssueModel(issues))
    proxy = IssueFilter()
    proxy.setSourceModel(issue_model)
    _timed("filter by code", lambda: proxy.set_filters(code="invalid_grade"))
    _timed(
        "first text search (builds the search index)", lambda: proxy.set_filters(code="", text="number 99")
    )
    _timed("next text search", lambda: proxy.set_filters(text="number 12345"))
    print(f"shown after the last search: {proxy.rowCount():,} of {issue_model.rowCount():,}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
