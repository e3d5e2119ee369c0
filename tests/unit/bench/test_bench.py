"""The benchmark: a deterministic, cached, messy synthetic district, and a small run of every measurement (a smoke
run: it checks the output's shape and that the figures are sane, not how fast anything is)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.app.main import main
from wizard.bench.district import DistrictSize, ensure_district
from wizard.bench.run import SUMMARY_KEYS


def test_the_district_has_the_issue_s_proportions() -> None:
    size = DistrictSize.for_students(1_000_000)
    assert (size.schools, size.teachers, size.sections, size.enrollments) == (
        1_000,
        60_000,
        250_000,
        6_000_000,
    )


def test_the_district_is_deterministic_cached_and_messy(tmp_path: Path) -> None:
    first = ensure_district(tmp_path / "a", 3_000)
    second = ensure_district(tmp_path / "b", 3_000)
    assert [path.name for path in first.files] == [
        "Enrollments.csv",
        "Schools.csv",
        "Sections.csv",
        "Students.csv",
        "Teachers.csv",
    ]
    for one, other in zip(first.files, second.files, strict=True):
        assert one.read_bytes() == other.read_bytes()
    stamp = first.files[0].stat().st_mtime_ns
    assert ensure_district(tmp_path / "a", 3_000).files[0].stat().st_mtime_ns == stamp  # reused, not rebuilt
    students = (first.folder / "Students.csv").read_text(encoding="utf-8").splitlines()
    assert len(students) == 3_001
    assert students[1].startswith("000000001,")  # leading zeros
    ids = [line.split(",")[0] for line in students[1:]]
    assert len(set(ids)) < len(ids)  # duplicate ids
    assert any("13/45/2011" in line for line in students)  # an impossible date
    assert any(not line.isascii() for line in students)  # accented names
    enrollments = (first.folder / "Enrollments.csv").read_text(encoding="utf-8")
    assert "S-UNKNOWN" in enrollments and "999999999" in enrollments  # unknown references
    assert any(line.split(",")[2][0] != "0" for line in enrollments.splitlines()[1:])  # lost leading zeros
    assert len(enrollments.splitlines()) == 18_001


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_small_run_measures_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    arguments = ["--students", "20000", "--repeat", "1", "--out", str(out), "--cache", str(tmp_path)]
    assert main(["bench", *arguments]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    figures = dict(item.split("=", 1) for item in printed[-1].split())
    assert tuple(figures) == SUMMARY_KEYS
    values = {key: float(value) for key, value in figures.items()}  # n/a would fail here
    assert 1.0 < values["prepare_vs_floor"] < 200
    assert 50 < values["peak_rss_mb"] < 8_000
    assert 0 < values["max_gui_stall_ms"] < 60_000
    assert 0 < values["preview_first_paint_ms"] < 60_000
    assert 100 < values["startup_ms"] < 60_000
    assert 0 < values["hub_upload_s"] < 600
    assert values["hub_users_per_s"] > 100
    assert any(line.startswith("prepare_vs_floor ") for line in printed)  # the table
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert report["district"]["students"] == 20_000 and report["machine"]["cpus"]
    assert report["runs"]["prepare-1"]["exit_code"] == 1  # the messiness is found: errors
    assert report["runs"]["hub"]["users_read"] > 20_000 * 0.99
    assert report["runs"]["preview"]["rows"] > 19_990
    assert report["runs"]["gui"]["progress_updates"] > 0
    summary = json.loads((out / "prepared" / "summary.json").read_text(encoding="utf-8"))
    for code in ("duplicate_id", "unknown_reference", "invalid_date", "possible_lost_leading_zeros"):
        assert summary["issues_by_code"].get(code, 0) > 0, code
    assert 0 < report["figures"]["hub_sftp_upload_s"] < 600
