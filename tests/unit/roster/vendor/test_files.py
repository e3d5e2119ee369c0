from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.unit.roster.vendor.fixtures import district, schools, students, symphony_roster
from wizard.roster.vendor import (
    IMPORT_FILE,
    REPORT_FILE,
    DecisionError,
    RosterFileError,
    load_profile,
    match_roster,
    read_decisions,
    read_vendor_roster,
    write_vendor_outputs,
)

SYMPHONY = load_profile("symphony-math")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def test_with_open_decisions_only_the_report_is_written(tmp_path: Path) -> None:
    sis, roster = district()
    (tmp_path / IMPORT_FILE).write_text("stale", encoding="utf-8")
    outputs = write_vendor_outputs(match_roster(sis, schools(), roster, SYMPHONY), tmp_path)
    assert outputs.has_errors
    assert outputs.paths == [tmp_path / REPORT_FILE]
    assert not (tmp_path / IMPORT_FILE).exists()
    assert outputs.removed == [tmp_path / IMPORT_FILE]
    report = _read(tmp_path / REPORT_FILE)
    assert sorted(report["roster_row"][report["roster_row"] != ""].astype(int)) == list(range(2, 12))
    assert sorted(report["Student_id"][report["Student_id"] != ""]) == sorted(sis["Student_id"])
    assert [p.name for p in tmp_path.iterdir()] == [REPORT_FILE]  # no temporary files left


def test_allow_errors_writes_the_import_without_the_undecided(tmp_path: Path) -> None:
    sis, roster = district()
    outputs = write_vendor_outputs(
        match_roster(sis, schools(), roster, SYMPHONY), tmp_path, allow_errors=True
    )
    assert outputs.paths[0] == tmp_path / IMPORT_FILE
    assert len(_read(tmp_path / IMPORT_FILE)) == 5


def test_report_cells_are_neutralised_but_the_import_file_is_data(tmp_path: Path) -> None:
    sis = students({"Student_id": "1", "First_name": "=HYPERLINK(1)", "Last_name": "-Smith", "Grade": "3"})
    roster = symphony_roster({"Username": "@leaver", "FirstName": "+x", "LastName": "y"})
    outputs = write_vendor_outputs(match_roster(sis, None, roster, SYMPHONY), tmp_path)
    report = _read(tmp_path / REPORT_FILE)
    assert "'=HYPERLINK(1)" in set(report["First_name"])
    assert "'@leaver" in set(report["roster_username"])
    imported = _read(tmp_path / IMPORT_FILE)
    assert imported.at[0, "FirstName"] == "=HYPERLINK(1)"
    assert imported.at[0, "LastName"] == "-Smith"
    flagged = {
        (issue.column, issue.row) for issue in outputs.issues if issue.code == "value_looks_like_formula"
    }
    assert flagged == {("FirstName", 2), ("LastName", 2)}


def test_the_filled_in_report_gives_back_the_decisions(tmp_path: Path) -> None:
    sis, roster = district()
    write_vendor_outputs(match_roster(sis, schools(), roster, SYMPHONY), tmp_path)
    report = _read(tmp_path / REPORT_FILE)
    report.loc[report["Student_id"] == "1005", "decision"] = "new"
    report.loc[report["Student_id"] == "1008", "decision"] = "twin2"
    report.loc[report["roster_username"] == "slee", "decision"] = "1006"
    report.to_csv(tmp_path / "decided.csv", index=False)
    decisions = read_decisions(tmp_path / "decided.csv")
    assert decisions == {"1005": "new", "1008": "twin2", "1006": "slee"}
    result = match_roster(sis, schools(), roster, SYMPHONY, decisions)
    outputs = write_vendor_outputs(result, tmp_path)
    assert not outputs.has_errors
    assert len(_read(tmp_path / IMPORT_FILE)) == len(sis)


def test_contradicting_decisions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("Student_id,roster_username,decision\n1,,a\n,b,1\n", encoding="utf-8")
    with pytest.raises(DecisionError, match="two different accounts"):
        read_decisions(path)
    path.write_text("id,choice\n", encoding="utf-8")
    with pytest.raises(DecisionError, match="needs the columns"):
        read_decisions(path)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Username,ExternalID,FirstName\r\njdoe,00123,Zoë\r\n", "utf-8-sig"),
        ("Username;ExternalID;FirstName\njdoe;00123;Zoë\n", "cp1252"),
        ("Username\tExternalID\tFirstName\njdoe\t00123\tZoë\n", "utf-16"),
    ],
)
def test_roster_exports_are_read_as_text_whatever_the_encoding(
    tmp_path: Path, content: str, encoding: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content.encode(encoding))
    frame = read_vendor_roster(path)
    assert frame.to_dict("records") == [{"Username": "jdoe", "ExternalID": "00123", "FirstName": "Zoë"}]


def test_a_missing_roster_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match=r"nope\.csv: file not found"):
        read_vendor_roster(tmp_path / "nope.csv")


def test_decisions_survive_a_spreadsheet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "decided.xlsx"
    pd.DataFrame(
        {"Student_id": ["'-5", "1006"], "roster_username": ["", ""], "decision": ["new", "slee"]}
    ).to_excel(path, index=False)
    assert read_decisions(path) == {"-5": "new", "1006": "slee"}
    cp1252 = tmp_path / "decided.csv"
    cp1252.write_bytes("Student_id,decision\n1005,zoë\n".encode("cp1252"))
    assert read_decisions(cp1252) == {"1005": "zoë"}


def test_passwords_stay_out_of_reprs(tmp_path: Path) -> None:
    sis, roster = district()
    result = match_roster(sis, schools(), roster, SYMPHONY, {"1005": "slee", "1006": "new", "1008": "twin1"})
    outputs = write_vendor_outputs(result, tmp_path)
    assert outputs.import_frame is not None
    for text in (repr(result), repr(outputs)):
        assert "pw1" not in text
        assert not any(password in text for password in outputs.import_frame["Password"])


def test_students_left_out_for_errors_hold_the_import_back_unless_allowed(tmp_path: Path) -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park", "Grade": "3"})
    result = match_roster(sis, None, None, SYMPHONY, left_out={"1"})
    assert write_vendor_outputs(result, tmp_path).import_frame is None
    assert not (tmp_path / IMPORT_FILE).exists()
    allowed = write_vendor_outputs(result, tmp_path, allow_errors=True)
    assert allowed.import_frame is not None and allowed.import_frame.empty
