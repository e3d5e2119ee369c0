"""A PrepareResult written as Arrow files and read back is the same result; the files are user-only."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd

from wizard.demo import write_demo_sis_files
from wizard.roster.pipeline import PrepareOptions, prepare
from wizard.roster.resultfiles import load_result, save_result


def test_a_result_survives_the_round_trip_and_its_files_are_private(tmp_path: Path) -> None:
    inputs = write_demo_sis_files(tmp_path / "in")
    (inputs / "students.csv").write_text(
        (inputs / "students.csv").read_text(encoding="utf-8") + "x,,,,,,\n", encoding="utf-8"
    )
    result = prepare([inputs], PrepareOptions())
    assert result.error_count  # the odd row gives errors, so error rows and cells are carried
    folder = tmp_path / "result"
    cells = {"students": {(0, "Grade"): ("error", "bad grade")}}
    save_result(result, folder, cell_problems=cells)
    loaded = load_result(folder)
    for kind, frame in result.tables.items():
        pd.testing.assert_frame_equal(loaded.tables[kind], frame)
        assert loaded.error_rows[kind].equals(result.error_rows[kind])
        pd.testing.assert_series_equal(loaded.origins[kind]["row"], result.origins[kind]["row"])
    pd.testing.assert_frame_equal(loaded.issue_frame, result.issue_frame)
    assert loaded.summary() == result.summary()
    assert loaded.mapping.to_dict() == result.mapping.to_dict()
    assert [(s.to_dict(), s.path) for s in loaded.inputs] == [(s.to_dict(), s.path) for s in result.inputs]
    assert loaded.cell_problems == cells and loaded.issue_search is None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}
