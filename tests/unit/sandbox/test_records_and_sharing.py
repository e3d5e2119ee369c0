"""Roster records and sharing, on the demo generator's data (no server)."""

from __future__ import annotations

import random

from wizard.sandbox.records import build_roster, hub_id
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.sharing import Rule, Sharing, counts, data_warnings, rule_problems, shared_ids

NOW, LATER = "2026-09-01T00:00:00.000Z", "2026-09-02T00:00:00.000Z"


def tables() -> dict[str, list[dict[str, str]]]:
    return demo_tables(random.Random(3), students_per_grade=4)


def test_ids_are_stable_and_references_resolve() -> None:
    source = tables()
    roster = build_roster("d1", source, NOW)
    again = build_roster("d1", source, LATER)
    assert roster.records["students"].keys() == again.records["students"].keys()
    assert hub_id("d1", "student", "x") != hub_id("d2", "student", "x")
    for section in roster.records["sections"].values():
        assert section["school"] in roster.records["schools"]
        assert set(section["students"]) <= roster.records["students"].keys()
        assert set(section["teachers"]) <= roster.records["teachers"].keys()
    assert (
        roster.records["terms"] and next(iter(roster.records["terms"].values()))["start_date"] == "2026-08-17"
    )


def test_sharing_types_choose_the_right_records() -> None:
    roster = build_roster("d1", tables(), NOW)
    everything = shared_ids(roster, Sharing("district"))
    assert counts(roster, everything) == counts(roster)
    cedar = next(i for i, s in roster.records["schools"].items() if s["name"] == "Cedar Middle")
    by_school = shared_ids(roster, Sharing("schools", school_ids=[cedar]))
    assert by_school["schools"] == {cedar}
    assert all(
        roster.records["students"][i]["roles"]["student"]["school"] == cedar for i in by_school["students"]
    )
    section = next(i for i, s in roster.records["sections"].items() if s["students"])
    by_section = shared_ids(roster, Sharing("sections", section_ids=[section]))
    assert by_section["students"] == set(roster.records["sections"][section]["students"])
    assert by_section["schools"] == {roster.records["sections"][section]["school"]}
    grade7 = shared_ids(roster, Sharing("rules", rules=[Rule("student", "grade", "is", "7")]))
    assert grade7["students"] and all(
        roster.records["students"][i]["roles"]["student"]["grade"] == "7" for i in grade7["students"]
    )
    math = shared_ids(roster, Sharing("rules", rules=[Rule("section", "subject", "contains", "MATH")]))
    assert math["sections"] and all(
        roster.records["sections"][i]["subject"] == "math" for i in math["sections"]
    )
    assert shared_ids(roster, None)["students"] == set()


def test_rule_problems_name_the_field() -> None:
    roster = build_roster("d1", tables(), NOW)
    assert rule_problems(Sharing("everyone"), roster) == {
        "type": rule_problems(Sharing("everyone"), roster)["type"]
    }
    problems = rule_problems(Sharing("rules", rules=[Rule("student", "shoe", "like", "9")]), roster)
    assert set(problems) == {"rules[0].field", "rules[0].op"}
    assert "school_ids" in rule_problems(Sharing("schools", school_ids=["nope"]), roster)
    assert rule_problems(Sharing("sections"), roster) == {"section_ids": "Pick at least one section."}


def test_data_warnings_find_the_seeded_problems() -> None:
    roster = build_roster("d1", tables(), NOW)
    warnings = {w.code: w for w in data_warnings(roster, shared_ids(roster, Sharing("district")))}
    assert len(warnings["sections_without_students"].record_ids) == 4  # one empty study hall per school
    assert len(warnings["teachers_without_email"].record_ids) == 2
    assert len(warnings["duplicate_emails"].record_ids) == 2
    assert warnings["students_without_section"].record_ids


def test_a_teacher_who_is_also_staff_is_one_user_with_two_roles() -> None:
    source = tables()
    teacher = next(row for row in source["teachers"] if row["Teacher_email"])
    source["staff"] = [
        {"School_id": teacher["School_id"], "Staff_id": "ST1", "Staff_email": teacher["Teacher_email"].upper(),
         "First_name": teacher["First_name"], "Last_name": teacher["Last_name"], "Title": "Math coach"},
        {"School_id": "101", "Staff_id": "ST2", "Staff_email": "nurse@maplevalley.org", "First_name": "Kim",
         "Last_name": "Lee", "Role": "Nurse"},
    ]  # fmt: skip
    roster = build_roster("d1", source, NOW)
    merged = roster.records["teachers"][hub_id("d1", "teacher", teacher["Teacher_id"])]
    assert set(merged["roles"]) == {"teacher", "staff"} and merged["roles"]["staff"]["title"] == "Math coach"
    assert [r["roles"]["staff"]["staff_id"] for r in roster.records["staff"].values()] == ["ST2"]
