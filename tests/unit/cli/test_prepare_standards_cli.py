"""`prepare` on OneRoster 1.2 and SDS v2.1 sets: exit codes, the format named, a delta set refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

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


def test_targets_oneroster_and_sds_write_beside_the_hub_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(DATA / "sds-v2.1"), "--out", str(tmp_path), "--target", "oneroster", "--target", "sds"]
    code, err = run(argv, capsys)
    assert code == 0, err
    assert (tmp_path / "students.csv").is_file()  # the hub set comes with them
    assert (tmp_path / "oneroster_1.1.zip").is_file() and (tmp_path / "sds_v2.1" / "roles.csv").is_file()
    assert (
        f"Wrote {tmp_path / 'oneroster_1.1.zip'} (OneRoster 1.1; read back identical, apart from what the notes list)"
        in err
    )
    assert "users.csv 6" in err
    assert "note: staff.csv: 2 Role value(s) are not OneRoster 1.1 roles" in err
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["targets"]) == {"oneroster", "sds"}


def test_default_target_is_the_hub_set_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run([str(DATA / "oneroster-1.2"), "--out", str(tmp_path)], capsys)
    assert code == 0
    assert not (tmp_path / "oneroster_1.1.zip").exists() and not (tmp_path / "sds_v2.1").exists()
    assert "read back" not in err


def test_with_errors_no_standard_set_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run([str(DATA / "sis-messy"), "--out", str(tmp_path), "--target", "oneroster"], capsys)
    assert code == 1
    assert not (tmp_path / "oneroster_1.1.zip").exists()
    assert "OneRoster / SDS sets were NOT written" in err


def test_a_set_that_does_not_read_back_the_same_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.roster import standards, targets

    real = targets.to_oneroster

    def lossy(tables: dict[str, Any]) -> targets.Conversion:
        conversion = real(tables)
        conversion.files["classes.csv"]["title"] = "renamed"
        return conversion

    monkeypatch.setitem(targets.CONVERTERS, "oneroster", (standards.ONEROSTER_11, "OneRoster 1.1", lossy))
    code, err = run([str(DATA / "hub-valid"), "--out", str(tmp_path), "--target", "oneroster"], capsys)
    assert code == 2
    assert (
        "does not read back the same (sections.csv SEC-1: Name 'Grade 1 Homeroom' reads back as 'renamed')"
        in err
    )
    assert not (tmp_path / "oneroster_1.1.zip").exists()


def test_target_vendor_still_works_alone_and_with_a_standard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    students = DATA / "hub-valid" / "students.csv"
    code, err = run(
        [
            "--students",
            str(students),
            "--out",
            str(tmp_path / "a"),
            "--target",
            "vendor",
            "--vendor-profile",
            "symphony-math",
        ],
        capsys,
    )
    assert code == 0, err
    assert (tmp_path / "a" / "vendor_import.csv").exists() and not (tmp_path / "a" / "students.csv").exists()
    code, err = run(
        [
            str(DATA / "hub-valid"),
            "--out",
            str(tmp_path / "b"),
            "--date-order",
            "mdy",
            "--target",
            "vendor",
            "--target",
            "sds",
            "--vendor-profile",
            "symphony-math",
        ],
        capsys,
    )
    assert code == 0, err
    assert (tmp_path / "b" / "vendor_import.csv").exists() and (tmp_path / "b" / "sds_v2.1").is_dir()
    assert (tmp_path / "b" / "students.csv").exists()
