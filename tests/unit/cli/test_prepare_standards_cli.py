"""`prepare` on OneRoster 1.2 and SDS v2.1 sets: exit codes, the format named, a delta set refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import main
from tests.unit.roster.helpers import DATA


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main.main(["prepare", *argv])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("folder", "name", "counts"),
    [
        ("oneroster-1.2", "OneRoster 1.2", {"students.csv": 2, "teachers.csv": 3, "staff.csv": 2}),
        ("sds-v2.1", "Microsoft SDS v2.1", {"students.csv": 2, "teachers.csv": 2, "staff.csv": 2}),
    ],
)
def test_a_current_standard_set_exits_0_and_says_its_format(
    folder: str, name: str, counts: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run([str(DATA / folder), "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert f"Format read: {name}" in err
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["format_name"] == name
    assert {file: summary["counts"][file] for file in counts} == counts
    assert (tmp_path / "students.csv").exists()


def test_a_delta_set_exits_2_saying_to_export_a_bulk_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "set"
    shutil.copytree(DATA / "oneroster-1.2", folder)
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("file.enrollments,bulk", "file.enrollments,delta"))
    code, err = run([str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert "enrollments.csv as delta" in err and "Export a bulk (full) OneRoster set" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "students.csv").exists()


def test_format_is_overridable_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(
        [str(DATA / "oneroster-1.2"), "--out", str(tmp_path), "--format", "oneroster-1.1"], capsys
    )
    assert code == 1
    assert "Format read: OneRoster 1.1" in err
    assert "error missing_column" in err
