"""The Validate page's SIS counts from an export's summary.json, or from the hub files' rows."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.session.summary import SisCount, counts_from_summary, sis_file_counts


def test_summary_counts_add_the_rows_left_out(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(
        json.dumps({"counts": {"students.csv": 5}, "rows_with_errors": {"students.csv": 2}}), encoding="utf-8"
    )
    assert sis_file_counts(str(tmp_path)) == {"students": SisCount(7, 2)}


def test_without_a_summary_the_rows_of_each_file_count(tmp_path: Path) -> None:
    (tmp_path / "schools.csv").write_text("School_id\n1\n2\n", encoding="utf-8")
    assert sis_file_counts(str(tmp_path)) == {"schools": SisCount(2)}
    assert sis_file_counts("") is None and sis_file_counts(str(tmp_path / "none")) is None


def test_a_damaged_summary_is_no_summary(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{not json", encoding="utf-8")
    assert counts_from_summary(tmp_path / "summary.json") == {}
