"""Upload processing in batches (issue 11 item 1, issue 14): the engine's checks across batches and files in
SQL, and records assembled in SQL exactly as `build_roster` builds them; then compared and applied."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.hub_support import small_roster, write_roster
from wizard.roster.pipeline import PrepareOptions, prepare
from wizard.sandbox import ingest
from wizard.sandbox.db import Database
from wizard.sandbox.records import RosterData, build_roster, hub_id
from wizard.sandbox.store import insert_district, load_roster, record_text, save_roster

NOW, LATER = "2026-09-01T00:00:00.000Z", "2026-09-02T00:00:00.000Z"
Tables = dict[str, list[dict[str, str]]]


def messy(tables: Tables) -> Tables:
    """The small roster with a problem of each kind the checks across rows and files look for."""
    tables = copy.deepcopy(tables)
    students, enrollments = tables["students"], tables["enrollments"]
    students.append(dict(students[0]))  # a repeated id
    students.append({**students[1], "Student_id": "X9", "School_id": "NOPE"})  # an unknown school
    students.append({**students[2], "Student_id": "X10", "Grade": "banana"})  # an error of its own
    students.append({**students[3], "Student_id": "0123"})  # zero-led ids, and a shorter one
    students.append({**students[3], "Student_id": "123", "Student_email": students[4]["Student_email"]})
    enrollments.append(dict(enrollments[0]))  # a repeated enrollment (a warning: built once)
    enrollments.append({**enrollments[1], "Student_id": "X10"})  # names a student left out for errors
    enrollments.append({**enrollments[1], "Section_id": "ZZZ"})  # an unknown section
    return tables


def run_ingest(folder: Path, tables: Tables, district_id: str = "d1") -> tuple[Path, ingest.IssueTally]:
    paths = write_roster(folder / "in", tables)
    scratch_path = folder / "scratch.sqlite3"
    conn = ingest.open_scratch(scratch_path)
    tally = ingest.IssueTally()
    staging = ingest.stage_files(conn, {path.stem: path for path in paths}, district_id, tally)
    ingest.cross_checks(conn, staging, tally)
    ingest.assemble(conn, district_id)
    conn.close()
    return scratch_path, tally


def engine_roster(folder: Path, now: str) -> tuple[RosterData, list[tuple[Any, ...]]]:
    result = prepare([folder / "in"], PrepareOptions(input_format="hub", date_order="mdy"))
    clean = {
        kind: [
            {str(c): "" if v is None else str(v) for c, v in row.items()} for row in frame.to_dict("records")
        ]
        for kind, frame in result.clean_tables().items()
    }
    issues = [(i.severity, i.code, i.file, i.row, i.column, i.message) for i in result.issues]
    return build_roster("d1", clean, now), issues


def without_timestamps(record: Any) -> Any:
    if isinstance(record, dict):
        return {k: without_timestamps(v) for k, v in record.items() if k not in ("created", "last_modified")}
    return record


@pytest.mark.parametrize("batch_bytes", [ingest.BATCH_BYTES, 512])
def test_records_and_issues_are_the_engines_and_build_rosters_in_any_batch_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_bytes: int
) -> None:
    monkeypatch.setattr(ingest, "BATCH_BYTES", batch_bytes)  # 512 bytes: a few rows per batch
    scratch_path, tally = run_ingest(tmp_path, messy(small_roster()))
    expected, engine_issues = engine_roster(tmp_path, NOW)
    listed = [
        (i["severity"], i["code"], i["file"], i["row"], i["column"], i["message"])
        for severity in ("error", "warning")
        for i in tally.listed[severity]
    ]
    assert sorted(listed, key=str) == sorted(engine_issues, key=str)
    assert tally.counts == {"error": 5, "warning": len(engine_issues) - 5}
    conn = ingest.open_scratch(scratch_path)
    for kind, records in expected.records.items():
        built = {
            row[0]: row[1] for row in conn.execute("SELECT id, body FROM new_records WHERE kind = ?", (kind,))
        }
        assert built.keys() == records.keys(), kind
        for record_id, record in records.items():  # the same text, so a re-upload compares equal
            assert built[record_id] == record_text(without_timestamps(record)), (kind, record_id)
    assert json.loads(next(iter(built.values())))  # valid JSON


def _district_db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "hub.sqlite3")
    with db.transaction() as conn:
        fields = dict.fromkeys(
            ("name", "state", "nces_id", "sis_vendor", "admin_name", "admin_email", "admin_phone"), "x"
        )
        insert_district(conn, "d1", fields, NOW)
    return db


def test_compare_counts_changes_keeps_creation_times_and_applies_in_one_step(tmp_path: Path) -> None:
    source = small_roster()
    db = _district_db(tmp_path)
    with db.transaction() as conn:  # the current set, as the demo seed writes it (build_roster + save_roster)
        save_roster(conn, "d1", build_roster("d1", source, NOW))
    same_path, _ = run_ingest(tmp_path / "same", source)
    with db.transaction(attach=same_path) as conn:
        changes, share = ingest.compare(conn, "d1")
    assert all(c.added == c.updated == c.removed == 0 for c in changes.values()) and share == 0.0

    changed = copy.deepcopy(source)
    changed["students"][0]["Grade"] = "Other"
    gone = changed["students"].pop()
    changed["enrollments"] = [e for e in changed["enrollments"] if e["Student_id"] != gone["Student_id"]]
    changed["students"].append({**source["students"][1], "Student_id": "NEW1"})
    changed_path, _ = run_ingest(tmp_path / "changed", changed)
    with db.transaction(attach=changed_path) as conn:
        changes, share = ingest.compare(conn, "d1")
        ingest.apply_records(conn, "d1", LATER)
    assert (changes["students"].added, changes["students"].updated, changes["students"].removed) == (1, 1, 1)
    assert 0 < share < 0.25
    with db.read() as conn:
        roster = load_roster(conn, "d1")
        people = conn.execute("SELECT count(*) FROM people WHERE district_id = 'd1'").fetchone()[0]
    students = roster.records["students"]
    first = students[hub_id("d1", "student", source["students"][0]["Student_id"])]
    assert (first["created"], first["last_modified"]) == (NOW, LATER)
    assert first["roles"]["student"]["created"] == NOW and first["roles"]["student"]["grade"] == "Other"
    untouched = students[hub_id("d1", "student", source["students"][2]["Student_id"])]
    assert untouched["last_modified"] == NOW
    assert hub_id("d1", "student", gone["Student_id"]) not in students
    assert students[hub_id("d1", "student", "NEW1")]["created"] == LATER
    assert people == len(students) + len(roster.records["teachers"])


def test_a_failed_apply_leaves_the_previous_set_whole(tmp_path: Path) -> None:
    source = small_roster()
    db = _district_db(tmp_path)
    with db.transaction() as conn:
        save_roster(conn, "d1", build_roster("d1", source, NOW))
    with db.read() as conn:
        before = conn.execute("SELECT kind, id, data FROM records ORDER BY kind, id").fetchall()
    path, _ = run_ingest(tmp_path / "new", {**source, "students": source["students"][:5]})
    with pytest.raises(RuntimeError), db.transaction(attach=path) as conn:
        ingest.compare(conn, "d1")
        ingest.apply_records(conn, "d1", LATER)
        raise RuntimeError("the hub stops here")
    with db.read() as conn:
        after = conn.execute("SELECT kind, id, data FROM records ORDER BY kind, id").fetchall()
    assert [tuple(row) for row in after] == [tuple(row) for row in before]
