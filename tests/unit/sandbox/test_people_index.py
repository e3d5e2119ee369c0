"""The data browser's look-ups use indexes: a page of answers does not read the whole district."""

from __future__ import annotations

import random
from pathlib import Path

from wizard.sandbox.db import Database
from wizard.sandbox.records import build_roster
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.store import SEARCH_PEOPLE, insert_district, save_roster, search_people, sections_of_user

DISTRICT = "d" * 24


def _database(tmp_path: Path) -> tuple[Database, dict[str, list[dict[str, str]]]]:
    db = Database(tmp_path / "hub.sqlite3")
    tables = demo_tables(random.Random(3), students_per_grade=4)
    fields = {
        "name": "D",
        "state": "CA",
        "nces_id": "1",
        "sis_vendor": "x",
        "admin_name": "a",
        "admin_email": "a@b.c",
        "admin_phone": "1",
    }
    with db.transaction() as conn:
        insert_district(conn, DISTRICT, fields, "2026-01-01")
        save_roster(conn, DISTRICT, build_roster(DISTRICT, tables, "2026-01-01T00:00:00Z"))
    return db, tables


def test_the_search_uses_an_index_for_every_term_and_never_scans_people(tmp_path: Path) -> None:
    db, _ = _database(tmp_path)
    with db.read() as conn:
        plan = conn.execute(
            f"EXPLAIN QUERY PLAN {SEARCH_PEOPLE}",
            {"d": DISTRICT, "q": "a", "hi": "a\U0010ffff", "after": "", "limit": 5},
        ).fetchall()
    details = [str(row["detail"]) for row in plan]
    assert not [d for d in details if d.startswith("SCAN people")], details
    for index, column in [
        ("sis_id", "sis_id=?"),
        ("email", "email=?"),
        *((n, f"{n}>? AND {n}<?") for n in ("first", "last", "full")),
    ]:
        assert any(f"INDEX people_by_{index} (district_id=? AND {column})" in d for d in details), details


def test_search_matches_sis_id_email_and_name_starts_case_insensitively_and_pages(tmp_path: Path) -> None:
    db, tables = _database(tmp_path)
    student = tables["students"][5]
    with db.read() as conn:
        by_id = search_people(conn, DISTRICT, student["Student_id"], 10)
        by_email = search_people(conn, DISTRICT, student["Student_email"].upper(), 10)
        prefix = student["Last_name"][:3].upper()
        everyone = search_people(conn, DISTRICT, prefix, 1000)
        first = search_people(conn, DISTRICT, prefix, 2)
        second = search_people(conn, DISTRICT, prefix, 2, first[-1]["id"])
        assert search_people(conn, DISTRICT, "   ", 10) == []
        sections = sections_of_user(conn, DISTRICT, by_id[0]["id"])
    assert [r["kind"] for r in by_id] == ["students"] and by_email[0]["id"] == by_id[0]["id"]
    wanted = sum(
        1
        for kind in ("students", "teachers")
        for r in tables[kind]
        if r["Last_name"].upper().startswith(prefix)
    )
    assert len(everyone) >= wanted >= 1
    assert [r["id"] for r in [*first, *second]] == [r["id"] for r in everyone[:4]]
    enrolled = {e["Section_id"] for e in tables["enrollments"] if e["Student_id"] == student["Student_id"]}
    assert len(sections) == len(enrolled) >= 1


def test_a_database_from_before_the_browser_is_indexed_on_open(tmp_path: Path) -> None:
    db, tables = _database(tmp_path)
    with db.transaction() as conn:
        conn.execute("DROP TABLE people")
        conn.execute("DROP TABLE memberships")
        conn.execute("PRAGMA user_version=5")
    reopened = Database(db.path)
    student = tables["students"][0]
    with reopened.read() as conn:
        [hit] = search_people(conn, DISTRICT, student["Student_id"], 10)
        assert sections_of_user(conn, DISTRICT, hit["id"])
