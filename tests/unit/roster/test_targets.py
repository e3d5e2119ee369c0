"""The prepared roster written as a OneRoster 1.1 bulk zip and an SDS v2.1 folder, each read back identical."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.unit.roster.helpers import DATA, read_csv
from wizard.roster import standards, targets
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs
from wizard.roster.targets import (
    ONEROSTER_ZIP,
    SDS_FOLDER,
    Conversion,
    RoundTripError,
    compare_tables,
    write_targets,
)

HUB = DATA / "hub-valid"
ONEROSTER_12 = DATA / "oneroster-1.2"


def export(source: Path, out: Path, which: list[str]) -> list[targets.TargetOutput]:
    result = prepare([source], PrepareOptions(date_order="mdy"))
    assert result.error_count == 0
    write_outputs(result, out)
    return write_targets(result, out, which)


def zip_rows(archive: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(archive) as bundle:
        text = bundle.read(name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_hub_to_oneroster_11_to_hub_keeps_every_record(tmp_path: Path) -> None:
    original = prepare([HUB], PrepareOptions(date_order="mdy"))
    [output] = export(HUB, tmp_path, ["oneroster"])
    assert output.path == tmp_path / ONEROSTER_ZIP
    back = prepare([output.path])
    assert back.format_id == "oneroster-1.1" and back.error_count == 0
    for kind, frame in original.tables.items():
        id_column = {"schools": "School_id", "students": "Student_id", "teachers": "Teacher_id"}.get(kind)
        assert len(back.tables[kind]) == len(frame), kind
        if id_column:
            assert sorted(back.tables[kind][id_column]) == sorted(frame[id_column]), kind
    # every column OneRoster 1.1 has a place for reads back as it was
    for kind, columns in targets.ONEROSTER_CARRIED.items():
        if kind in original.tables:
            left = original.tables[kind][list(columns)].reset_index(drop=True)
            right = back.tables[kind][list(columns)].reset_index(drop=True)
            assert left.equals(right), kind


def test_the_oneroster_zip_is_a_conformant_bulk_set(tmp_path: Path) -> None:
    [output] = export(ONEROSTER_12, tmp_path, ["oneroster"])
    with zipfile.ZipFile(output.path) as bundle:
        names = set(bundle.namelist())
    spec_11 = standards.standard(standards.ONEROSTER_11)
    assert names == {entry.name for entry in spec_11.files.values()}
    manifest = {row["propertyName"]: row["value"] for row in zip_rows(output.path, "manifest.csv")}
    assert manifest["oneroster.version"] == "1.1" and manifest["file.users"] == "bulk"
    assert manifest["file.lineItems"] == "absent"
    for name in names - {"manifest.csv"}:
        with zipfile.ZipFile(output.path) as bundle:
            header = bundle.read(name).decode("utf-8").splitlines()[0].split(",")
        assert tuple(header) == spec_11.files[name[:-4].lower()].columns, name
    users = {row["sourcedId"]: row for row in zip_rows(output.path, "users.csv")}
    assert users["u1"]["grades"] == "KG" and users["u2"]["grades"] == "07"  # CEDS codes
    assert users["u1"]["role"] == "student" and users["u8"]["role"] == "aide"
    assert users["u5"]["orgSourcedIds"] == "s2" and users["u5"]["role"] == "teacher"
    orgs = {row["sourcedId"]: row for row in zip_rows(output.path, "orgs.csv")}
    assert orgs["district"]["type"] == "district"  # for staff without a school
    assert orgs["s1"]["parentSourcedId"] == "district" and orgs["s1"]["identifier"] == "0101"
    demographics = {row["sourcedId"]: row for row in zip_rows(output.path, "demographics.csv")}
    assert demographics["u1"]["birthDate"] == "2020-03-14" and demographics["u1"]["sex"] == "female"
    assert demographics["u2"]["demographicRaceTwoOrMoreRaces"] == "true"
    sessions = zip_rows(output.path, "academicSessions.csv")
    assert {(row["title"], row["startDate"], row["schoolYear"]) for row in sessions} == {
        ("Fall 2025", "2025-08-15", "2025"),
        ("Spring 2026", "2026-01-05", "2026"),
    }
    teacher_rows = [row for row in zip_rows(output.path, "enrollments.csv") if row["role"] == "teacher"]
    assert [(row["classSourcedId"], row["userSourcedId"], row["primary"]) for row in teacher_rows] == [
        ("c1", "u3", "true"),
        ("c2", "u4", "true"),
        ("c3", "u5", "true"),
        ("c2", "u3", "false"),
    ]
    # u5 is a teacher and a district administrator; OneRoster 1.1 has one role per user, and says so
    assert any("share an id" in note and "staff u5" in note for note in output.notes)


def test_hub_to_sds_21_to_hub_keeps_every_record(tmp_path: Path) -> None:
    original = prepare([ONEROSTER_12])
    write_outputs(original, tmp_path)
    [output] = write_targets(original, tmp_path, ["sds"])
    assert output.path == tmp_path / SDS_FOLDER and output.path.is_dir()
    back = prepare([output.path])
    assert back.format_id == "sds-v2.1" and back.error_count == 0
    for kind, frame in original.tables.items():
        assert len(back.tables[kind]) == len(frame), kind
    for kind, columns in targets.SDS_CARRIED.items():
        left = original.tables[kind][list(columns)].reset_index(drop=True)
        right = back.tables[kind][list(columns)].reset_index(drop=True)
        assert left.equals(right), kind
    spec_21 = standards.standard(standards.SDS_V21)
    assert {path.name for path in output.path.iterdir()} == {entry.name for entry in spec_21.files.values()}
    for path in output.path.iterdir():
        assert tuple(read_csv(path)[0]) == spec_21.files[path.stem.lower()].columns
        assert path.stat().st_mode & 0o077 == 0  # student data: user-only
    roles = read_csv(output.path / "roles.csv")
    assert {(row["userSourcedId"], row["role"]) for row in roles} >= {
        ("u5", "teacher"),
        ("u5", "administrator"),
    }
    assert {row["userSourcedId"]: row["grade"] for row in roles if row["role"] == "student"} == {
        "u1": "KG",
        "u2": "07",
    }
    assert "Section_number (3), Period (3)" in " ".join(output.notes)


def test_summary_json_records_the_sets(tmp_path: Path) -> None:
    export(ONEROSTER_12, tmp_path, ["oneroster", "sds"])
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["format_name"] == "OneRoster 1.2"
    assert summary["targets"]["oneroster"]["path"] == ONEROSTER_ZIP
    assert summary["targets"]["oneroster"]["round_trip"] == "identical"
    assert summary["targets"]["sds"]["files"]["roles.csv"] == 7


def test_a_set_that_does_not_read_back_the_same_is_refused_and_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = targets.to_sds

    def lossy(tables: dict[str, pd.DataFrame]) -> Conversion:
        conversion = real(tables)
        conversion.files["enrollments.csv"] = conversion.files["enrollments.csv"].iloc[1:]
        return conversion

    monkeypatch.setitem(targets.CONVERTERS, "sds", (standards.SDS_V21, "Microsoft SDS v2.1", lossy))
    with pytest.raises(RoundTripError, match=r"enrollments\.csv: 3 records, 2 read back"):
        export(ONEROSTER_12, tmp_path, ["sds"])
    assert not (tmp_path / SDS_FOLDER).exists()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


def test_compare_tables_names_the_record_and_column_and_hides_passwords() -> None:
    left = {"teachers": prepare([HUB], PrepareOptions(date_order="mdy")).tables["teachers"]}
    assert compare_tables(left, left) == []
    renamed = {"teachers": left["teachers"].assign(First_name="Changed")}
    assert compare_tables(left, renamed) == ["teachers.csv T001: First_name 'Carmen' reads back as 'Changed'"]
    password = {"teachers": left["teachers"].assign(Password="secret")}
    assert compare_tables(left, password) == ["teachers.csv T001: Password '' reads back as '******'"]
    assert compare_tables(left, {}) == ["teachers.csv: 1 records, 0 read back"]


def test_sets_a_later_run_does_not_write_are_removed(tmp_path: Path) -> None:
    export(HUB, tmp_path, ["oneroster", "sds"])
    assert (tmp_path / ONEROSTER_ZIP).is_file() and (tmp_path / SDS_FOLDER).is_dir()
    failing = prepare([DATA / "sis-messy"])
    assert failing.error_count
    write_outputs(failing, tmp_path)
    assert write_targets(failing, tmp_path, ["oneroster", "sds"]) == []
    assert not (tmp_path / ONEROSTER_ZIP).exists() and not (tmp_path / SDS_FOLDER).exists()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert {ONEROSTER_ZIP, SDS_FOLDER} <= set(summary["stale_files_removed"])


def test_a_folder_of_the_users_own_named_like_ours_is_not_removed(tmp_path: Path) -> None:
    mine = tmp_path / SDS_FOLDER
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    export(HUB, tmp_path, [])
    assert (mine / "notes.txt").exists()


def test_with_allow_errors_the_sets_leave_out_the_rows_with_errors(tmp_path: Path) -> None:
    result = prepare([DATA / "sis-messy"])
    write_outputs(result, tmp_path, allow_errors=True)
    outputs = write_targets(result, tmp_path, ["oneroster", "sds"], allow_errors=True)
    clean = result.clean_tables()
    for output in outputs:
        back = prepare([output.path])
        for kind in ("students", "teachers", "sections", "enrollments"):
            assert len(back.tables[kind]) == len(clean[kind]), (output.target, kind)


def test_a_killed_runs_staging_folders_are_removed_and_a_rerun_replaces_the_sets(tmp_path: Path) -> None:
    export(HUB, tmp_path, ["oneroster", "sds"])
    leftover = tmp_path / f".{SDS_FOLDER}.abc123"
    (leftover / "set").mkdir(parents=True)
    (tmp_path / SDS_FOLDER / "users.csv").write_text("stale\n")
    export(HUB, tmp_path, ["oneroster", "sds"])
    assert not leftover.exists()
    assert read_csv(tmp_path / SDS_FOLDER / "users.csv")[0]["sourcedId"] == "000123"
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []
    assert (tmp_path / ONEROSTER_ZIP).stat().st_mode & 0o077 == 0


def test_the_export_choices_offered_before_the_engine_loads_are_the_converters() -> None:
    """The Prepare page lists the standard sets from standards.EXPORT_TARGETS (pandas-free, so the first page
    shows before pandas loads); they must be exactly the sets targets can write, under the same names."""
    assert set(standards.EXPORT_TARGETS) == set(targets.CONVERTERS) == set(targets.STANDARD_TARGETS)
    for target, standard in standards.EXPORT_TARGETS.items():
        format_id, name, _ = targets.CONVERTERS[target]
        assert (format_id, name) == (standard, standards.FORMAT_NAMES[standard])
