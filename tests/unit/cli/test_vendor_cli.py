from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import main
from tests.unit.roster.vendor.fixtures import district, schools, students

DECISIONS = {"1005": "slee", "1006": "new", "1008": "twin1"}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    sis, roster = district()
    (tmp_path / "in").mkdir()
    sis.to_csv(tmp_path / "in" / "students.csv", index=False)
    schools().to_csv(tmp_path / "in" / "schools.csv", index=False)
    roster.to_csv(tmp_path / "symphony_export.csv", index=False)
    return tmp_path


def _prepare(files: Path, *extra: str) -> int:
    return main.main(
        [
            "prepare",
            "--students",
            str(files / "in" / "students.csv"),
            "--schools",
            str(files / "in" / "schools.csv"),
            "--out",
            str(files / "out"),
            "--target",
            "vendor",
            "--vendor-profile",
            "symphony-math",
            "--vendor-roster",
            str(files / "symphony_export.csv"),
            *extra,
        ]
    )


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_open_decisions_exit_1_with_the_report_only(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "out").mkdir(exist_ok=True)
    (files / "out" / "vendor_import.csv").write_text("stale from an earlier run\n", encoding="utf-8")
    assert _prepare(files) == 1
    written = sorted(path.name for path in (files / "out").iterdir())
    assert written == ["validation_report.csv", "vendor_match_report.csv"]
    err = capsys.readouterr().err
    assert "students needing your decision: 3" in err
    assert "vendor_import.csv NOT written" in err
    assert "Removed the vendor_import.csv an earlier run left" in err
    report = (files / "out" / "validation_report.csv").read_text(encoding="utf-8")
    # Only the students export is needed for the vendor target: no missing teachers or sections reported.
    assert "missing_file" not in report
    # The vendor's own problems are listed with the students' (errors first).
    assert report.splitlines()[1].startswith("error,vendor_decision_needed,students.csv,,Student_id")


def test_the_filled_in_report_completes_the_import(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _prepare(files)
    report = _read(files / "out" / "vendor_match_report.csv")
    for sid, decision in DECISIONS.items():
        report.loc[report["Student_id"] == sid, "decision"] = decision
    report.to_csv(files / "decided.csv", index=False)
    assert _prepare(files, "--vendor-decisions", str(files / "decided.csv")) == 0
    imported = _read(files / "out" / "vendor_import.csv").set_index("ExternalID")
    assert len(imported) == 8
    assert imported.loc[["1001", "1002", "1003", "1005", "1008"], "Username"].tolist() == [
        "jmoneil",
        "zangstrom",
        "adiaz",
        "slee",
        "twin1",
    ]
    assert "Wrote" in capsys.readouterr().err


def test_both_targets_write_the_hub_files_too(files: Path) -> None:
    code = main.main(
        ["prepare", str(files / "in"), "--out", str(files / "out"), "--vendor-profile", "symphony-math"]
    )
    assert code == 1  # the hub set lacks teachers, sections and enrollments
    assert (files / "out" / "vendor_import.csv").exists()  # no roster: all new, nothing to decide
    assert (files / "out" / "summary.json").exists()


def test_students_with_errors_hold_the_import_back_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = students(
        {"Student_id": "1", "First_name": "Ana", "Last_name": "Diaz", "Grade": "3", "School_id": "100"},
        {"Student_id": "2", "First_name": "Sam", "Last_name": "Lee", "Grade": "purple", "School_id": "100"},
    )
    frame.to_csv(tmp_path / "students.csv", index=False)
    args = ["prepare", "--students", str(tmp_path / "students.csv"), "--out", str(tmp_path / "out")]
    args += ["--target", "vendor", "--vendor-profile", "symphony-math"]
    assert main.main(args) == 1
    assert not (tmp_path / "out" / "vendor_import.csv").exists()
    err = capsys.readouterr().err
    assert "Students export: 1 error, " in err and "fix the 1 student with errors" in err
    assert main.main([*args, "--allow-errors"]) == 1
    assert _read(tmp_path / "out" / "vendor_import.csv")["ExternalID"].tolist() == ["1"]
    assert "vendor_import.csv: 1 student (0 linked, 1 new)\n" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--target", "vendor"], "--target vendor needs --vendor-profile"),
        (["--vendor-profile", "no-such-app"], "no vendor profile called 'no-such-app'"),
        (["--vendor-profile", "symphony-math", "--vendor-roster", "missing.csv"], "does not exist"),
        (["--vendor-roster", "x.csv"], "used only for the vendor's import file"),
        (["--vendor-profile", "symphony-math", "--target", "hub"], "which --target hub does not write"),
    ],
)
def test_unusable_vendor_options_exit_2(
    files: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code = main.main(["prepare", str(files / "in"), "--out", str(files / "out"), *extra])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (files / "out").exists()


def test_the_vendor_target_needs_the_students_export(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(
        [
            "prepare",
            "--schools",
            str(files / "in" / "schools.csv"),
            "--out",
            str(files / "out"),
            "--target",
            "vendor",
            "--vendor-profile",
            "symphony-math",
        ]
    )
    assert code == 2
    assert "needs the students export" in capsys.readouterr().err


def test_offline_with_errors_the_summary_the_file_and_the_report_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10, problem 6: with --allow-errors the summary counted students left out for errors as linked or
    new, and the match report listed them so, though vendor_import.csv did not have them."""
    frame = students(
        {"Student_id": "1", "First_name": "Ana", "Last_name": "Diaz", "Grade": "3", "School_id": "100"},
        {"Student_id": "2", "First_name": "Sam", "Last_name": "Lee", "Grade": "purple", "School_id": "100"},
        {"Student_id": "3", "First_name": "Kim", "Last_name": "Park", "Grade": "4", "School_id": "100"},
        {"Student_id": "4", "First_name": "Bo", "Last_name": "Ray", "Grade": "mauve", "School_id": "100"},
    )
    frame.to_csv(tmp_path / "students.csv", index=False)
    roster = pd.DataFrame(
        {
            "Username": ["adiaz", "slee"],
            "Password": ["pw1", "pw2"],
            "FirstName": ["Ana", "Sam"],
            "LastName": ["Diaz", "Lee"],
            "ExternalID": ["", "2"],
        }
    )
    roster.to_csv(tmp_path / "export.csv", index=False)
    args = ["prepare", "--students", str(tmp_path / "students.csv"), "--out", str(tmp_path / "out")]
    args += ["--target", "vendor", "--vendor-profile", "symphony-math", "--vendor-roster"]
    assert main.main([*args, str(tmp_path / "export.csv"), "--allow-errors"]) == 1
    err = capsys.readouterr().err
    imported = _read(tmp_path / "out" / "vendor_import.csv")
    assert imported["ExternalID"].tolist() == ["1", "3"]
    assert "linked to existing accounts: 1\n" in err and "new accounts: 1\n" in err
    assert "students left out for errors: 2\n" in err
    assert "vendor_import.csv: 2 students (1 linked, 1 new)\n" in err
    report = _read(tmp_path / "out" / "vendor_match_report.csv").set_index("Student_id")
    assert report.loc["2", "outcome"] == report.loc["4", "outcome"] == "left_out_for_errors"
    assert report.loc["2", "roster_username"] == "slee"  # its account, once the errors are fixed
    assert report.loc[["2", "4"], "import_username"].tolist() == ["", ""]
    assert report.loc[["1", "3"], "outcome"].tolist() == ["linked_by_name", "new_account"]


def test_every_warning_the_command_line_prints_is_a_structured_warning(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10, problem 5: the command line warned about accounts getting an empty password and a formula-like
    middle name, while the wizard said only that the file was written. Both now read one VendorSummary."""
    from wizard.cli import vendor as vendor_cli
    from wizard.roster.vendor.summary import VendorSummary, issue_line

    sis, roster = district()
    sis.loc[sis["Student_id"] == "1007", "Middle_name"] = '=HYPERLINK("http://x.test","y")'
    sis.to_csv(files / "in" / "students.csv", index=False)
    roster.assign(Password="").to_csv(files / "symphony_export.csv", index=False)
    decisions = files / "decisions.csv"
    pd.DataFrame({"Student_id": list(DECISIONS), "decision": list(DECISIONS.values())}).to_csv(
        decisions, index=False
    )
    seen: list[VendorSummary] = []
    summarize = vendor_cli.summarize
    monkeypatch.setattr(vendor_cli, "summarize", lambda *a, **k: seen.append(summarize(*a, **k)) or seen[-1])
    assert _prepare(files, "--vendor-decisions", str(decisions)) == 0
    err = capsys.readouterr().err
    [summary] = seen
    codes = [issue.code for issue in summary.warnings]
    assert "vendor_password_blank" in codes and "vendor_name_looks_like_formula" in codes
    assert "existing accounts get an empty password" in " ".join(issue_line(i) for i in summary.warnings)
    # The command line prints the summary's own lines, each warning in the words the wizard shows.
    assert "\n".join(summary.lines(max_issues=vendor_cli.SHOWN_ISSUES)) in err
    printed = [line.strip() for line in err.splitlines() if line.startswith(("  warning ", "  error "))]
    assert printed == [issue_line(issue) for issue in summary.issues][: vendor_cli.SHOWN_ISSUES]
