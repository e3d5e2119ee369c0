"""`python main.py prepare`: exit codes, the stderr summary, and no tracebacks for user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from tests.unit.roster.helpers import DATA

ROOT = Path(__file__).resolve().parents[3]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main.main(["prepare", *argv])
    return code, capsys.readouterr().err


def test_clean_set_exits_0_and_writes_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run([str(DATA / "hub-valid"), "--out", str(tmp_path), "--date-order", "mdy"], capsys)
    assert code == 0
    assert (tmp_path / "students.csv").exists() and (tmp_path / "summary.json").exists()
    assert "students.csv: 2 records" in err
    assert "Errors: 0" in err
    assert str(tmp_path / "validation_report.csv") in err


def test_errors_exit_1_with_report_but_no_upload_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run([str(DATA / "sis-messy"), "--out", str(tmp_path)], capsys)
    assert code == 1
    assert (tmp_path / "validation_report.csv").exists()
    assert not (tmp_path / "students.csv").exists()
    assert "error duplicate_id: 1" in err and "warning ambiguous_date: 1" in err
    assert "run again with --date-order dmy)" in err
    assert "Student Export.csv: 5 records -> students (UTF-8 with BOM)" in err
    assert "NOT written" in err


def test_a_failing_run_removes_the_upload_files_an_earlier_run_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([str(DATA / "hub-valid"), "--out", str(tmp_path), "--date-order", "mdy"], capsys)[0] == 0
    earlier = sorted(path.name for path in tmp_path.glob("*.csv") if path.name != "validation_report.csv")
    assert "students.csv" in earlier
    (tmp_path / "notes.csv").write_text("mine\n")
    (tmp_path / "Students_old.csv").write_text("mine\n")
    code, err = run([str(DATA / "sis-messy"), "--out", str(tmp_path)], capsys)
    assert code == 1
    assert not any((tmp_path / name).exists() for name in earlier)
    assert (tmp_path / "notes.csv").exists() and (tmp_path / "Students_old.csv").exists()
    assert "Removed " in err and "students.csv" in err and "must not be uploaded" in err
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["files_written"] == [] and summary["upload_files_written"] is False
    assert sorted(summary["stale_files_removed"]) == earlier


def test_allow_errors_still_exits_1_but_writes_clean_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run([str(DATA / "sis-messy"), "--out", str(tmp_path), "--allow-errors"], capsys)
    assert code == 1
    assert (tmp_path / "students.csv").read_text().count("\n") == 3
    assert "students.csv: 2 records" in err


def test_sds_and_format_and_kind_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run([str(DATA / "oneroster-valid"), "--format", "oneroster", "--out", str(tmp_path)], capsys)
    assert code == 0
    single = tmp_path / "in" / "export.csv"
    single.parent.mkdir()
    single.write_text("Student ID,School,First Name,Last Name\n1,9,A,B\n")
    code, err = run(["--students", str(single), "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    assert "export.csv: 1 record -> students" in err
    assert "error missing_file: 4" in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["/no/such/folder"], "does not exist"),
        ([], "no inputs"),
        (["{hub}", "--mapping", "/no/mapping.toml"], "mapping file"),
        (["{bad_mapping}"], "not valid TOML"),
        (["{bad_zip}"], "not a readable zip"),
        (["{hub}", "--out-is-file"], "cannot be created"),
    ],
)
def test_usage_problems_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    bad_mapping = tmp_path / "m.toml"
    bad_mapping.write_text("[files.x")
    bad_zip = tmp_path / "r.zip"
    bad_zip.write_bytes(b"nope")
    out = tmp_path / "out"
    argv: list[str] = []
    for arg in args:
        if arg == "{bad_mapping}":
            argv += [str(DATA / "hub-valid"), "--mapping", str(bad_mapping)]
        elif arg == "--out-is-file":
            out.write_text("a file")
            out = out / "below"
        else:
            argv.append(arg.format(hub=DATA / "hub-valid", bad_zip=bad_zip))
    code, err = run([*argv, "--out", str(out)], capsys)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_real_process_exit_code_and_no_traceback(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "main.py", "prepare", str(DATA / "sis-messy"), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "Report:" in completed.stderr
    assert completed.stdout == ""


def test_progress_appears_only_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from wizard.cli import progress as cli

    clock = iter([0.0, 0.5, 3.0, 3.2, 4.5])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = cli.StderrProgress(stream)  # started at 0.0
    progress(1, 10, "Reading a.csv")  # 0.5 s: too early
    progress(2, 10, "Reading b.csv")  # 3.0 s: shown
    progress(3, 10, "Reading c.csv")  # 3.2 s: within a second of the last
    progress(5, 10, "Checking")  # 4.5 s: shown
    progress.finish()
    shown = stream.getvalue()
    assert "a.csv" not in shown and "c.csv" not in shown
    assert "Reading b.csv 20%" in shown and "Checking 50%" in shown
    assert shown.endswith("\n")
