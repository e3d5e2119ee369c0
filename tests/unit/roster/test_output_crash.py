"""Issue 11, item 6: a killed `prepare` leaves the output folder as one complete run or the previous one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.roster.helpers import DATA
from wizard.fileio import (
    COMMIT_NAME,
    STAGING_PREFIX,
    FolderTransaction,
    recover_folder,
    write_text_atomically,
)
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs

ROOT = Path(__file__).resolve().parents[3]
CRASH_RUNS = int(os.environ.get("CRASH_RUNS", "30"))


@pytest.mark.slow
def test_sigkill_at_random_points_of_writing_never_leaves_a_mixed_set(tmp_path: Path) -> None:
    """Old code: 32 of 40 kills left a mixed folder (new students.csv beside the old enrollments.csv and
    summary.json), 20 of them with hidden .tmp files."""
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("crash_writer.py")),
            str(CRASH_RUNS),
            "11",
            str(tmp_path),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(done.stdout)
    after = report["after_recovery"]
    assert set(after) <= {"old", "new"}, report  # no mixed set, no leftovers
    assert sum(after.values()) == CRASH_RUNS
    assert after.get("old") and after.get("new"), report  # the kills fell before and after the commit
    # Not asserted: the state before recovery. A kill inside the commit's renames (a window of a few
    # milliseconds) leaves a mix until the next run, or anything calling recover_output_folder, finishes the
    # commit from its record: seen in 1 of 30 kills on a quiet machine. Closing that window needs the set
    # swapped as one folder; it is listed as open in issue #11.


def _staged(folder: Path, names: dict[str, str], *, commit: bool, remove: tuple[str, ...] = ()) -> Path:
    """A staging folder as a writer killed before (commit=False) or right after its commit point leaves it."""
    transaction = FolderTransaction(folder)
    for name, text in names.items():
        write_text_atomically(transaction.path(name), text)
    if commit:
        plan = {"move": sorted(names), "remove": list(remove)}
        write_text_atomically(transaction.staging / COMMIT_NAME, json.dumps(plan))
    return transaction.staging


def test_a_crash_before_the_commit_is_undone_and_after_it_finished(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("old students", encoding="utf-8")
    (tmp_path / "staff.csv").write_text("old staff", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("the user's", encoding="utf-8")
    _staged(tmp_path, {"students.csv": "half"}, commit=False)
    recover_folder(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "staff.csv", "students.csv"]
    assert (tmp_path / "students.csv").read_text(encoding="utf-8") == "old students"

    _staged(tmp_path, {"students.csv": "new", "summary.json": "{}"}, commit=True, remove=("staff.csv",))
    recover_folder(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "students.csv", "summary.json"]
    assert (tmp_path / "students.csv").read_text(encoding="utf-8") == "new"


def test_a_forged_commit_record_cannot_move_files_out_of_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    staging = out / f"{STAGING_PREFIX}x"
    staging.mkdir()
    (staging / "a.csv").write_text("x", encoding="utf-8")
    (staging / COMMIT_NAME).write_text(
        json.dumps({"move": ["a.csv"], "remove": ["../victim"]}), encoding="utf-8"
    )
    (tmp_path / "victim").write_text("keep", encoding="utf-8")
    recover_folder(out)
    assert (tmp_path / "victim").read_text(encoding="utf-8") == "keep"
    assert list(out.iterdir()) == []


def test_the_next_run_cleans_what_a_killed_run_left(tmp_path: Path) -> None:
    result = prepare([DATA / "hub-valid"], PrepareOptions(date_order="mdy"))
    _staged(tmp_path, {"students.csv": "half"}, commit=False)
    (tmp_path / ".students.csv.k2j3h4.tmp").write_bytes(b"x" * 1000)  # an older version's temporary
    write_outputs(result, tmp_path)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert sorted(summary["files_written"]) == sorted(
        p.name for p in tmp_path.iterdir() if p.name not in ("summary.json", "validation_report.csv")
    )


def test_a_failure_while_writing_leaves_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = prepare([DATA / "hub-valid"], PrepareOptions(date_order="mdy"))
    write_outputs(result, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    from wizard.roster import pipeline

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "write_report", full_disk)
    with pytest.raises(pipeline.OutputError, match="No space left"):
        write_outputs(result, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
